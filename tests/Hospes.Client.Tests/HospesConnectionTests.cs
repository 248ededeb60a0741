using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Client.Tests;

/// <summary>The one mapping of answers and transport failures to <see cref="HospesApiException"/>.</summary>
public sealed class HospesConnectionTests
{
    [Fact]
    public async Task AnErrorBody_GivesItsCodeMessageAndDetails()
    {
        var stub = new StubHandler().Error("GET", "/v1/vms/web", HttpStatusCode.NotFound, "not_found", "no VM named 'web'", "line one", "line two");
        using var client = new HospesClient(HospesConnection.Over(stub));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Vms.GetAsync("web", default));

        Assert.Equal((ErrorCodes.NotFound, "no VM named 'web'", HttpStatusCode.NotFound, Delivery.Answered), (e.Code, e.Message, e.Status, e.Delivery));
        Assert.Equal(["line one", "line two"], e.Details);
        Assert.True(e.HasErrorBody);
    }

    [Fact]
    public async Task AnAnswerWithoutErrorBody_NamesTheStatusAndTheRequest()
    {
        var stub = new StubHandler().On("GET", "/v1/host", HttpStatusCode.BadGateway, "<html>bad gateway</html>", "text/html");
        using var client = new HospesClient(HospesConnection.Over(stub));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Host.InfoAsync(default));

        Assert.Equal("hospesd answered 502 BadGateway to GET /v1/host", e.Message);
        Assert.Equal((ErrorCodes.Internal, Delivery.Answered, false), (e.Code, e.Delivery, e.HasErrorBody));
        Assert.Equal("Bad Gateway", e.Reason);
    }

    [Theory]
    [InlineData("null", "hospesd sent an empty answer to GET /v1/host")]
    [InlineData("{\"hostname\": ", "hospesd sent an unreadable answer to GET /v1/host")]
    public async Task ASuccessWithoutAReadableBody_CountsAsNoAnswer(string body, string message)
    {
        var stub = new StubHandler().On("GET", "/v1/host", body);
        using var client = new HospesClient(HospesConnection.Over(stub));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Host.InfoAsync(default));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(Delivery.NoAnswer, e.Delivery);
    }

    [Fact]
    public async Task AMissingSocket_IsNotDelivered_AndSaysHowToStartHospesd()
    {
        using var dir = new TempDir();
        string socket = dir.File("hospes.sock");
        using var client = HospesClient.ForSocket(socket);

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Vms.ListAsync(default));

        Assert.Equal(Delivery.NotDelivered, e.Delivery);
        Assert.Equal(HospesApiException.Unreachable, e.Code);
        Assert.StartsWith($"cannot reach hospesd at {socket} (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("); start it (./quickstart.sh does) or point --socket / HOSPES_SOCKET at its socket", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedConnection_IsNotDelivered()
    {
        string address = LoopbackServer.RefusingAddress();
        using X509Certificate2 own = TestCertificate.Create("a");
        using var peer = PeerApi.Connect(address, "00", own, TimeSpan.FromSeconds(5));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => peer.HelloAsync(default));

        Assert.Equal((Delivery.NotDelivered, false), (e.Delivery, e.TimedOut));
        Assert.Equal($"cannot reach hospesd at {address} (Connection refused)", e.Message);
        Assert.Equal($"Connection refused ({address})", Assert.IsType<HttpRequestException>(e.InnerException).Message);
    }

    [Fact]
    public async Task AConnectionClosedAfterTheRequest_IsNoAnswer()
    {
        using var dir = new TempDir();
        string socket = dir.File("hospes.sock");
        await using var server = LoopbackServer.Unix(socket, _ => Task.FromResult<string?>(null));
        using var client = HospesClient.ForSocket(socket);

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Vms.ListAsync(default));

        Assert.Equal(Delivery.NoAnswer, e.Delivery);
        Assert.StartsWith($"cannot talk to hospesd at {socket}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerThatDoesNotComeInTime_IsNoAnswer_AndTimedOut()
    {
        using var dir = new TempDir();
        string socket = dir.File("hospes.sock");
        await using var server = LoopbackServer.Unix(socket, LoopbackServer.Silent);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socket), ct);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
        };
        using var client = new HospesClient(HospesConnection.Over(handler, socket, TimeSpan.FromMilliseconds(300)));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Vms.ListAsync(default));

        Assert.Equal((Delivery.NoAnswer, true), (e.Delivery, e.TimedOut));
        Assert.StartsWith($"hospesd at {socket} did not answer within ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCallersOwnCancel_StaysACancel()
    {
        using var dir = new TempDir();
        string socket = dir.File("hospes.sock");
        await using var server = LoopbackServer.Unix(socket, LoopbackServer.Silent);
        using var client = HospesClient.ForSocket(socket);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Vms.ListAsync(cancel.Token));
    }
}
