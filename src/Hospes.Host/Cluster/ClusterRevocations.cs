using System.Security.Cryptography.X509Certificates;
using Hospes.Host.Cluster.Store;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

/// <summary>
/// This member's copy of the cluster's `revoked` key (<see cref="RevocationRecord"/>), read every
/// <see cref="ReadEvery"/>: its CRL goes to `&lt;state&gt;/cluster/revoked.crl` (whole, by rename: etcd reads the file
/// at every new TLS connection, client and peer, and refuses them all while it does not parse), and the peer channel
/// asks <see cref="Peer"/> about a caller's fingerprint. A CRL that the cluster CA did not sign is not written (logged).
/// </summary>
internal sealed partial class ClusterRevocations : IAsyncDisposable
{
    public static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(2);

    private readonly IClusterStore _store;
    private readonly string _key;
    private readonly ClusterFiles _files;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _loop;
    private volatile RevocationRecord? _current;
    private string? _written;

    public ClusterRevocations(IClusterStore store, ClusterKeys keys, ClusterFiles files, TimeProvider time, ILogger log)
    {
        _store = store;
        _key = keys.Revoked;
        _files = files;
        _time = time;
        _log = log;
    }

    /// <summary>The record as last read or written here; null while there is none.</summary>
    public RevocationRecord? Current => _current;

    /// <summary>The revoked host whose hospesd certificate has <paramref name="fingerprint"/>, or null.</summary>
    public RevokedHost? Peer(string fingerprint) => _current?.Peer(fingerprint);

    public void Start() => _loop = ClusterLoop.RunAsync(PollAsync, ReadEvery, _time, LogStoreFailed, _stop.Token);

    /// <summary>Reads the key and takes what changed. Tests call it directly.</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        StoreEntry? entry = await _store.GetAsync(_key, ct).ConfigureAwait(false);
        if (entry is not null && entry.Value != _written && ClusterService.Read<RevocationRecord>(entry.Value) is { } record)
        {
            Take(record, entry.Value);
        }
    }

    /// <summary>Takes <paramref name="record"/> (this host just wrote it as <paramref name="json"/>, or read it).</summary>
    public void Take(RevocationRecord record, string json)
    {
        lock (_lock)
        {
            TakeLocked(record, json);
        }
    }

    private void TakeLocked(RevocationRecord record, string json)
    {
        _current = record;
        _written = json;
        if (record.Crl.Length == 0 || !File.Exists(_files.CaCertificate))
        {
            return;
        }

        // What another host wrote: a list that is not base64 is refused as one the CA did not sign (the loop goes on).
        byte[] der;
        try
        {
            der = Convert.FromBase64String(record.Crl);
        }
        catch (FormatException)
        {
            LogCrlRefused(record.Number);
            return;
        }

        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(_files.CaCertificate));
        if (ClusterCa.RevokedSerials(ca, der) is not { } serials)
        {
            LogCrlRefused(record.Number);
            return;
        }

        if (File.Exists(_files.Crl) && File.ReadAllBytes(_files.Crl).AsSpan().SequenceEqual(der))
        {
            return;
        }

        try
        {
            WriteCrl(_files, der);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _written = null; // tried again at the next read
            LogCrlNotWritten(record.Number, _files.Crl, e.Message);
            return;
        }

        string hosts = string.Join(", ", record.Hosts.Select(h => h.Host).Distinct(StringComparer.Ordinal));
        LogCrlWritten(record.Number, serials.Count, hosts);
    }

    /// <summary>
    /// Before etcd starts: an empty CRL signed by the cluster CA when there is no file yet (etcd refuses every
    /// connection without one); the key's list replaces it at the first read.
    /// </summary>
    public static void EnsureCrl(ClusterFiles files, DateTimeOffset now)
    {
        if (File.Exists(files.Crl) || !File.Exists(files.CaKey))
        {
            return;
        }

        using ClusterCa ca = ClusterCa.Load(File.ReadAllText(files.CaCertificate), File.ReadAllText(files.CaKey));
        WriteCrl(files, ca.RevocationList([], 0, now));
    }

    private static void WriteCrl(ClusterFiles files, byte[] der)
    {
        string temp = files.Crl + ".new";
        File.WriteAllBytes(temp, der);
        File.Move(temp, files.Crl, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = Settings.LogEvents.ClusterCrlWritten, Level = LogLevel.Information, Message = "cluster revocation list {Number} handed to etcd: {Serials} revoked certificates (hosts {Hosts})")]
    private partial void LogCrlWritten(long number, int serials, string hosts);

    [LoggerMessage(EventId = Settings.LogEvents.ClusterCrlRefused, Level = LogLevel.Warning, Message = "cluster revocation list {Number} in etcd is not signed by this cluster's CA or does not parse; etcd keeps the last good one")]
    private partial void LogCrlRefused(long number);

    [LoggerMessage(EventId = Settings.LogEvents.ClusterCrlNotWritten, Level = LogLevel.Warning, Message = "cluster revocation list {Number} not written to {Path}: {Why}; etcd keeps the last one")]
    private partial void LogCrlNotWritten(long number, string path, string why);

    [LoggerMessage(EventId = Settings.LogEvents.ClusterStoreFailed, Level = LogLevel.Warning, Message = "cannot read the cluster's revoked hosts: {Why}")]
    private partial void LogStoreFailed(string why);
}
