using System.Net;
using System.Net.Sockets;
using Hospes.Client;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Hospes.Host.Migration;
using Hospes.Host.Peers;

namespace Hospes.Host.Tests.Edge;

/// <summary>
/// What the source may conclude from a failed call to the destination: a request that never left (nothing listens,
/// the connection is dropped before TLS) cannot have taken effect there, unlike one that got no answer.
/// </summary>
public sealed class HttpMigrationTargetTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HostCertificate _own;

    public HttpMigrationTargetTests() => _own = HostCertificate.LoadOrCreate(_dir.Path, "host-a", DateTimeOffset.UtcNow);

    [Fact]
    public async Task ASwitchoverToAHostWhereNothingListens_IsNotDelivered()
    {
        int port = ClosedPort();
        using PeerApi peer = PeerApi.Connect($"127.0.0.1:{port}", new string('0', 64), _own.Certificate, TimeSpan.FromSeconds(10));
        var target = new HttpMigrationTarget("host-b", "127.0.0.1", peer);

        Result<MigrationFinished> finished = await target.FinishAsync("m1", run: true, postcopy: false, probe: false, CancellationToken.None);

        Assert.IsType<NotDelivered>(finished.Error);
        Assert.StartsWith("cannot reach host-b: ", finished.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASwitchoverToAHostThatDropsTheConnectionBeforeTls_IsNotDelivered()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task dropping = Task.Run(async () =>
        {
            using Socket s = await listener.AcceptSocketAsync();
        });
        using PeerApi peer = PeerApi.Connect($"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", new string('0', 64), _own.Certificate, TimeSpan.FromSeconds(10));
        var target = new HttpMigrationTarget("host-b", "127.0.0.1", peer);

        Result<MigrationFinished> finished = await target.FinishAsync("m1", run: true, postcopy: false, probe: false, CancellationToken.None);
        await dropping;

        Assert.IsType<NotDelivered>(finished.Error);
    }

    public void Dispose()
    {
        _own.Dispose();
        _dir.Dispose();
    }

    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
