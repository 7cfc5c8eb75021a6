using System.Collections;
using System.Management.Automation;

namespace VmEventOps.Hosting;

/// <summary>
/// Unwraps PowerShell objects (PSObject, PSCustomObject, hashtables, arrays) into plain dictionaries,
/// lists and primitives, which the engine can serialize without knowing PowerShell.
/// </summary>
internal static class PlainObjectConverter
{
    private const int MaxDepth = 64;

    public static object? ToPlain(object? value, int depth = 0)
    {
        if (depth > MaxDepth) throw new ArgumentException("The object is nested more than 64 levels deep.");
        if (value is PSObject psObject)
        {
            if (psObject.BaseObject is PSCustomObject)
            {
                var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in psObject.Properties) properties[property.Name] = ToPlain(property.Value, depth + 1);
                return properties;
            }

            value = psObject.BaseObject;
        }

        switch (value)
        {
            case null or string or bool or char:
                return value;
            case DateTime or DateTimeOffset or Guid:
                return value;
            case IDictionary dictionary:
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in dictionary) result[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = ToPlain(entry.Value, depth + 1);
                return result;
            case IEnumerable list:
                return list.Cast<object?>().Select(item => ToPlain(item, depth + 1)).ToList();
            case IConvertible:
                return value; // numbers
            default:
                return value.ToString();
        }
    }
}
