using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database.Drivers;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Database;

/// <summary>
/// Checks that a database server can be reached and logged in to, stage by stage (DNS, TCP, Login, Query),
/// each timed, stopping at the first that fails, so an admin sees where it breaks. Every stage ends within the
/// request's time limit whatever the driver or server does (<see cref="StageLimit"/>). A failed check is a
/// result; only a broken request (no server, a password or option the provider cannot use, a token that cannot be
/// had) is an error. The password stays a SecureString until the driver needs it, and no message carries it.
/// </summary>
public static class DbConnectionChecker
{
    /// <summary>Runs the check.</summary>
    public static async Task<VmDbCheckResult> CheckAsync(
        DbCheckRequest request, VmEventOptions options, Func<VmEventOptions, TokenProvider> tokens, IHostLog log, CancellationToken cancellationToken)
    {
        var driver = Driver(request.Provider);
        var password = request.Password is null ? null : new NetworkCredential(string.Empty, request.Password).Password;
        Refuse(request, driver, password);
        var redactor = new SecretRedactor([password]);
        var accessToken = await AccessTokenAsync(request, options, tokens, log, cancellationToken).ConfigureAwait(false);
        var stages = new Dictionary<string, long>();
        var total = Stopwatch.StartNew();
        // The drivers' token: cancelled by the caller, or when the check abandons a call at its limit (StageLimit.Abandon).
        var driverCalls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TimeSpan Left() => request.Timeout - total.Elapsed;
        var tls = new TlsObservation();
        var result = new VmDbCheckResult { Provider = request.Provider, Server = request.Server, Port = driver.UsesNetwork ? request.EffectivePort : 0, Database = request.Database };

        VmDbCheckResult Fail(DbCheckStage stage, DbErrorCategory category, string message, int? number = null, byte? @class = null, DbTlsProblem? tlsProblem = null)
        {
            log.Verbose($"{request.Provider} check of {request.Server}: {stage} failed ({category}{(tlsProblem is null ? null : ", " + tlsProblem)}).");
            return result with
            {
                Success = false,
                FailedStage = stage,
                ErrorCategory = category,
                TlsProblem = tlsProblem,
                Message = redactor.Redact(message),
                Stages = stages,
                ElapsedMs = total.ElapsedMilliseconds,
                SqlErrorNumber = request.Provider == DbProvider.SqlServer ? number : null,
                SqlErrorClass = @class,
            };
        }

        var stage = DbCheckStage.Dns;
        var watch = Stopwatch.StartNew();
        DbConnection? connection = null;
        Task? pending = null; // the call running now; still running when the check gives up on it
        try
        {
            if (driver.UsesNetwork)
            {
                IPAddress[] addresses = [];
                if (IPAddress.TryParse(request.Server, out var literal))
                {
                    addresses = [literal];
                }
                else
                {
                    var lookup = Dns.GetHostAddressesAsync(request.Server, driverCalls.Token);
                    pending = lookup;
                    addresses = await StageLimit.WithinAsync(lookup, Left(), cancellationToken).ConfigureAwait(false);
                    pending = null;
                }

                stages[nameof(DbCheckStage.Dns)] = watch.ElapsedMilliseconds;

                stage = DbCheckStage.Tcp;
                watch.Restart();
                using (var tcp = new TcpClient(addresses[0].AddressFamily))
                {
                    // On timeout the socket is disposed here, which ends its connect.
                    await StageLimit.WithinAsync(tcp.ConnectAsync(addresses, request.EffectivePort, driverCalls.Token).AsTask(), Left(), cancellationToken).ConfigureAwait(false);
                }

                stages[nameof(DbCheckStage.Tcp)] = watch.ElapsedMilliseconds;
            }

            stage = DbCheckStage.Login;
            watch.Restart();
            // The drivers' own timeouts end a second after the check's: the check's limit decides, not a driver's half-done cancel.
            var driverTimeout = Math.Max(1, (int)Math.Ceiling(Left().TotalSeconds)) + 1;
            connection = driver.Create(request, password, accessToken, driverTimeout, tls);
            pending = connection.OpenAsync(driverCalls.Token);
            await StageLimit.WithinAsync(pending, Left(), cancellationToken).ConfigureAwait(false);
            pending = null;
            stages[nameof(DbCheckStage.Login)] = watch.ElapsedMilliseconds;
            result = result with { ServerVersion = connection.ServerVersion, AuthenticatedAs = request.UserName ?? (accessToken is null ? null : "(token)") };

            stage = DbCheckStage.Query;
            watch.Restart();
            var command = connection.CreateCommand();
            command.CommandText = request.Query;
            command.CommandTimeout = driverTimeout;
            pending = command.ExecuteScalarAsync(driverCalls.Token);
            await StageLimit.WithinAsync(pending, Left(), cancellationToken).ConfigureAwait(false);
            pending = null;
            await command.DisposeAsync().ConfigureAwait(false);

            stages[nameof(DbCheckStage.Query)] = watch.ElapsedMilliseconds;
            log.Verbose($"{request.Provider} check of {request.Server}: every stage passed in {total.ElapsedMilliseconds} ms.");
            return result with { Success = true, Stages = stages, ElapsedMs = total.ElapsedMilliseconds };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(stage, DbErrorCategory.Timeout, $"No answer within {request.Timeout.TotalSeconds:0} s at the {stage} stage.");
        }
        catch (SocketException e) when (stage == DbCheckStage.Dns)
        {
            return Fail(stage, DbErrorCategory.NameResolution, $"'{request.Server}' cannot be resolved: {e.Message}");
        }
        catch (SocketException e) when (stage == DbCheckStage.Tcp)
        {
            var category = e.SocketErrorCode is SocketError.TimedOut ? DbErrorCategory.Timeout : DbErrorCategory.Unreachable;
            return Fail(stage, category, $"{request.Server}:{request.EffectivePort} is not reachable: {e.Message}");
        }
        catch (Exception e) when (stage is DbCheckStage.Login or DbCheckStage.Query && e is not OperationCanceledException)
        {
            if (Left() <= TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
            {
                return Fail(stage, DbErrorCategory.Timeout, $"No answer within {request.Timeout.TotalSeconds:0} s at the {stage} stage: {e.Message}");
            }

            var failure = driver.Classify(e, stage, request, tls);
            return Fail(stage, failure.Category, failure.Message, failure.Number, failure.Class, failure.TlsProblem);
        }
        finally
        {
            if (pending is { IsCompleted: false })
            {
                StageLimit.Abandon(pending, connection, driverCalls);
            }
            else
            {
                if (connection is not null) await StageLimit.CloseAsync(connection).ConfigureAwait(false);
                driverCalls.Dispose();
            }
        }
    }

    /// <summary>The server from a template such as <c>{PrivateIpAddress}</c> or <c>{VmName}</c>, filled in from the VM.</summary>
    public static string ResolveServer(string template, Arm.VmNetworkInfo vm) => template
        .Replace("{PrivateIpAddress}", vm.PrivateIpAddress ?? string.Empty, StringComparison.OrdinalIgnoreCase)
        .Replace("{VmName}", vm.VmName, StringComparison.OrdinalIgnoreCase);

    // Settings that can never work with this provider are settings to fix, not a database to wait for.
    private static void Refuse(DbCheckRequest request, IDbDriver driver, string? password)
    {
        if (driver.PasswordRefusal is { } refusal && !string.IsNullOrEmpty(password))
        {
            throw new VmEventOpsException(ErrorIds.DbNotConfigured, VmErrorCategory.InvalidArgument,
                $"A password was given for a {request.Provider} check, but {refusal}: leave DbPassword (or -Credential) empty for {request.Provider}.",
                request.Server);
        }

        if (!driver.TakesHostNameInCertificate && !string.IsNullOrEmpty(request.HostNameInCertificate))
        {
            throw new VmEventOpsException(ErrorIds.DbNotConfigured, VmErrorCategory.InvalidArgument,
                $"A host name in certificate was given for a {request.Provider} check, but only SqlServer takes one ({request.Provider}'s driver checks the " +
                $"certificate against the server name): leave DbHostNameInCertificate (or -HostNameInCertificate) empty for {request.Provider}.",
                request.Server);
        }
    }

    private static async Task<string?> AccessTokenAsync(
        DbCheckRequest request, VmEventOptions options, Func<VmEventOptions, TokenProvider> tokens, IHostLog log, CancellationToken cancellationToken)
    {
        if (request.Authentication == DbAuthentication.Password) return null;
        if (request.Provider != DbProvider.SqlServer)
        {
            throw new VmEventOpsException(ErrorIds.InvalidSettingValue, VmErrorCategory.InvalidArgument,
                $"Authentication {request.Authentication} works with SqlServer only; {request.Provider} logs in with a user name and password.", request.Authentication);
        }

        // ManagedIdentity: the module's own identity, however it is configured; AccessToken: the token passed in.
        var identity = request.Authentication == DbAuthentication.AccessToken ? options with { Identity = options.Identity with { AuthMode = AuthMode.Token } } : options;
        var token = await tokens(identity).GetTokenAsync(
            new AccessTokenRequest { ResourceType = TokenResourceType.Sql, AsPlainText = true }, log, cancellationToken).ConfigureAwait(false);
        return (string)token.Token;
    }

    private static IDbDriver Driver(DbProvider provider) => provider switch
    {
        DbProvider.SqlServer => new SqlServerDriver(),
        DbProvider.PostgreSql => new PostgreSqlDriver(),
        DbProvider.MySql => new MySqlDriver(),
        DbProvider.Sqlite => new SqliteDriver(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
