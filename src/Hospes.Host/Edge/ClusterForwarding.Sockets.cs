using System.Net;
using System.Net.WebSockets;
using Hospes.Core.Errors;
using Hospes.Host.Peers;

namespace Hospes.Host.Edge;

/// <summary>
/// A WebSocket (console, display, TCP relay) opened to the member that owns the VM, over the same pinned TLS channel
/// as a forwarded request, the caller in the envelope. A refusal there comes back as its status and body.
/// </summary>
public sealed partial class ClusterForwarding
{
    /// <summary>
    /// Opens <paramref name="pathAndQuery"/> on <paramref name="host"/> as a WebSocket for <paramref name="caller"/>,
    /// asking for <paramref name="subProtocols"/>. Either the open socket, or what the owner answered instead (its status and body).
    /// </summary>
    public async Task<Result<ForwardedSocket>> OpenSocketAsync(ForwardHost host, string pathAndQuery, Caller caller, IEnumerable<string> subProtocols, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(subProtocols);
        var keeper = new AnswerKeeper(NewHandler(host));
        var invoker = new HttpMessageInvoker(keeper, disposeHandler: true);
        var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader(EnvelopeHeader, EnvelopeOf(caller));
        ws.Options.HttpVersion = HttpVersion.Version11;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        ws.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        foreach (string p in subProtocols)
        {
            ws.Options.AddSubProtocol(p);
        }

        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            await ws.ConnectAsync(new Uri($"wss://{host.Address}/{pathAndQuery.TrimStart('/')}"), invoker, limit.Token).ConfigureAwait(false);
            return new ForwardedSocket(ws, invoker, host.Name, 101, "");
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            ws.Dispose();
            invoker.Dispose();
            if (keeper.Status is { } status and not 101)
            {
                return new ForwardedSocket(null, null, host.Name, status, keeper.Body ?? "");
            }

            return HospesError.Unavailable($"host '{host.Name}' at {host.Address}, which answers for this VM, did not open the WebSocket: {e.InnerException?.Message ?? e.Message}; `hospes cluster list` shows whether it is up");
        }
    }

    private SocketsHttpHandler NewHandler(ForwardHost host) => new()
    {
        ConnectTimeout = ConnectWithin,
        SslOptions =
        {
            ClientCertificates = [_identity.Certificate],
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && string.Equals(HostCertificate.FingerprintOf(cert), host.Fingerprint, StringComparison.OrdinalIgnoreCase),
        },
    };

    /// <summary>Keeps the status and body of an answer that is not the upgrade (ClientWebSocket throws them away).</summary>
    private sealed class AnswerKeeper(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public int? Status { get; private set; }

        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage answer = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Status = (int)answer.StatusCode;
            if (answer.StatusCode != HttpStatusCode.SwitchingProtocols)
            {
                Body = await answer.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }

            return answer;
        }
    }
}

/// <summary>
/// A WebSocket opened on <see cref="Host"/> (<see cref="Socket"/> set, <see cref="Status"/> 101), or its refusal there:
/// <see cref="Status"/> and <see cref="Body"/> as the owner answered. Disposing closes the connection.
/// </summary>
public sealed record ForwardedSocket(WebSocket? Socket, IDisposable? Connection, string Host, int Status, string Body) : IDisposable
{
    public void Dispose()
    {
        Socket?.Dispose();
        Connection?.Dispose();
    }
}
