using System.Net;
using Hospes.Host.Peers;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Tests.Migration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Peers;

/// <summary>One host's trust on a temp state dir: its certificate, state DB and peer service, other hosts faked.</summary>
internal sealed class PeerHost : IDisposable
{
    private readonly TempDir _dir = new();

    public PeerHost(string name, ManualTime time, string? listen = "127.0.0.1:8443")
    {
        var options = new HostOptions { StateDir = _dir.Path, HostName = name, ListenEndpoint = listen is null ? null : IPEndPoint.Parse(listen) };
        Db = new StateDb(options.DatabasePath);
        Service = new PeerService(options, Db, HostCertificate.LoadOrCreate(options.TlsDir, name, time.GetUtcNow()), Connections, time, NullLoggerFactory.Instance);
    }

    public StateDb Db { get; }

    public FakePeerConnections Connections { get; } = new();

    public PeerService Service { get; }

    public string Name => Service.HostName;

    public string Fingerprint => Service.Identity.Fingerprint;

    /// <summary>Joins reach <paramref name="other"/> as if over TLS, with this host's certificate, from <paramref name="from"/>.</summary>
    public void Reaches(PeerHost other, string from = "192.0.2.1") =>
        Connections.Join = (_, _, join) => other.Service.Join(join, Fingerprint, IPAddress.Parse(from));

    public void Dispose()
    {
        Service.Dispose();
        _dir.Dispose();
    }
}
