using System.Net;
using Hospes.Network;
using Hospes.Network.Firewall;
using Hospes.Network.Tools;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

/// <summary>
/// The destination's incoming migrations' ports, each reachable from its source host only (an nftables table of
/// hospesd's, <see cref="NftMigrationRules"/>): opened before the ports are told to the source, closed when the
/// migration ends however it ends, and cleared at start (what a killed hospesd left). On a loopback address (both
/// hosts one machine) the rule can tell nothing apart: every local program has that address.
/// </summary>
internal sealed partial class MigrationPorts(INetworkHost host, ILogger log) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, MigrationOpening> _open = new(StringComparer.Ordinal);

    /// <summary>Limits <paramref name="ports"/> on <paramref name="listen"/> to <paramref name="source"/>; throws <see cref="NetToolException"/> when nft fails (then nothing of it is left).</summary>
    public async Task OpenAsync(string id, IPAddress listen, IPAddress source, IReadOnlyList<int> ports, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _open[id] = new MigrationOpening(id, NftMigrationRules.Plain(listen), NftMigrationRules.Plain(source), ports);
            try
            {
                await host.ApplyMigrationRulesAsync([.. _open.Values], ct).ConfigureAwait(false);
            }
            catch
            {
                _open.Remove(id);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The migration ended: its rule goes. A failure is logged (the rule drops only what reaches ports nothing listens on now).</summary>
    public async Task CloseAsync(string id)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_open.Remove(id))
            {
                await host.ApplyMigrationRulesAsync([.. _open.Values], CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NetToolException e)
        {
            LogNotRemoved(log, id, e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>At start: no migration waits yet, so no rule of one may be left (a killed hospesd's). Without nft none was made.</summary>
    public async Task ClearAsync(CancellationToken ct)
    {
        try
        {
            await host.ApplyMigrationRulesAsync([], ct).ConfigureAwait(false);
        }
        catch (NetToolException e) when (!e.IsToolMissing)
        {
            LogNotRemoved(log, "left by an earlier hospesd", e.Message);
        }
        catch (NetToolException)
        {
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = Settings.LogEvents.MigrationPortsNotRemoved, Level = LogLevel.Warning, Message = "the nftables rule of incoming migration {Id} (table inet hospes-migrations) could not be removed: {Why}; it goes at the next migration or hospesd's restart")]
    private static partial void LogNotRemoved(ILogger log, string id, string why);
}
