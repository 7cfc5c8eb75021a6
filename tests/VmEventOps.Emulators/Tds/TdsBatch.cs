using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VmEventOps.Emulators.Tds;

/// <summary>
/// What the emulator does with the text of a SQL batch ([MS-TDS] 2.2.6.7: ALL_HEADERS, whose first 4 bytes are its
/// total length, then the text in UCS-2). It knows the few statements a connection check sends, and answers the rest
/// as SQL Server does a statement it cannot run:
/// <list type="bullet">
/// <item><c>SELECT &lt;integer&gt;</c>: one int column, one row.</item>
/// <item><c>SELECT SERVERPROPERTY('ProductVersion')</c>: one sql_variant (nvarchar) row.</item>
/// <item><c>WAITFOR DELAY 'hh:mm:ss[.fff]'</c>: nothing, after the delay.</item>
/// <item><c>THROW number, 'message', state</c>: that error, class 16.</item>
/// <item><c>SELECT ... FROM name</c>: error 208, invalid object name.</item>
/// <item>anything else: error 102, incorrect syntax near its first word.</item>
/// </list>
/// </summary>
internal sealed partial record TdsBatch(TimeSpan Delay, byte[] Response)
{
    public static string ReadText(byte[] data)
    {
        var headers = data.Length >= 4 ? (int)BinaryPrimitives.ReadUInt32LittleEndian(data) : 0;
        if (headers < 4 || headers > data.Length) headers = 0; // no ALL_HEADERS (TDS 7.1 and earlier)
        return Encoding.Unicode.GetString(data, headers, data.Length - headers);
    }

    public static TdsBatch Plan(string text, TdsEmulatorOptions options, string serverName)
    {
        var sql = text.Trim().TrimEnd(';').Trim();
        using var tokens = new TdsTokenWriter();
        if (SelectNumber().Match(sql) is { Success: true } number
            && int.TryParse(number.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return Now(tokens.IntResult(string.Empty, value).Done(TdsTokenWriter.DoneCount, TdsTokenWriter.CommandSelect, 1));
        }

        if (SelectProductVersion().IsMatch(sql))
        {
            return Now(tokens.VariantNVarCharResult(string.Empty, options.ProductVersion.ToString(4)).Done(TdsTokenWriter.DoneCount, TdsTokenWriter.CommandSelect, 1));
        }

        if (WaitForDelay().Match(sql) is { Success: true } wait
            && TimeSpan.TryParse(wait.Groups[1].Value, CultureInfo.InvariantCulture, out var delay))
        {
            return new TdsBatch(delay, tokens.Done(TdsTokenWriter.DoneFinal).ToArray());
        }

        if (Throw().Match(sql) is { Success: true } thrown)
        {
            tokens.Error(int.Parse(thrown.Groups[1].Value, CultureInfo.InvariantCulture), byte.Parse(thrown.Groups[3].Value, CultureInfo.InvariantCulture), 16,
                thrown.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal), serverName);
            return Now(tokens.Done(TdsTokenWriter.DoneError));
        }

        if (SelectFrom().Match(sql) is { Success: true } from)
        {
            return Now(tokens.Error(208, 1, 16, $"Invalid object name '{from.Groups[1].Value}'.", serverName).Done(TdsTokenWriter.DoneError));
        }

        var near = sql.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? sql;
        return Now(tokens.Error(102, 1, 15, $"Incorrect syntax near '{near}'.", serverName).Done(TdsTokenWriter.DoneError));
    }

    private static TdsBatch Now(TdsTokenWriter tokens) => new(TimeSpan.Zero, tokens.ToArray());

    [GeneratedRegex(@"^SELECT\s+([+-]?\d{1,10})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SelectNumber();

    [GeneratedRegex(@"^SELECT\s+SERVERPROPERTY\s*\(\s*N?'ProductVersion'\s*\)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SelectProductVersion();

    [GeneratedRegex(@"^WAITFOR\s+DELAY\s+N?'(\d{1,2}:\d{2}:\d{2}(?:\.\d{1,3})?)'$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WaitForDelay();

    [GeneratedRegex(@"^THROW\s+(\d+)\s*,\s*N?'((?:[^']|'')*)'\s*,\s*(\d{1,3})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Throw();

    [GeneratedRegex(@"^SELECT\s.+?\sFROM\s+([\[\]\w.#]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex SelectFrom();
}
