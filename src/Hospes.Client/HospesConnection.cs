using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Hospes.Client.Transport;

namespace Hospes.Client;

/// <summary>
/// Where requests go: hospesd's unix socket, another host's hospesd over TLS with a pinned certificate, or (for tests
/// and fakes) any HttpMessageHandler. <see cref="HospesClient"/> and <see cref="PeerApi"/> speak the API over it.
/// </summary>
public sealed partial class HospesConnection : IDisposable
{
    public const string SocketVariable = "HOSPES_SOCKET";
    public const string DefaultSocket = "/run/hospes/hospes.sock";

    private readonly HttpMessageHandler _handler;
    private readonly HttpClient _http;
    private readonly Uri _webSockets;
    private readonly string _unreachableHint;

    private HospesConnection(HttpMessageHandler handler, Uri baseAddress, string target, TimeSpan timeout, string unreachableHint)
    {
        _handler = handler;
        _http = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = timeout };
        _webSockets = new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        _unreachableHint = unreachableHint;
        Target = target;
    }

    /// <summary>What this connection reaches: the socket's path, or HOST:PORT.</summary>
    public string Target { get; }

    /// <summary>The project every request names (?project=, issue 14): creates go there, lists show only it; null: none.</summary>
    public string? Project { get; set; }

    /// <summary>hospesd's API socket: <paramref name="path"/>, else $HOSPES_SOCKET, else /run/hospes/hospes.sock.</summary>
    public static HospesConnection UnixSocket(string? path = null)
    {
        string socket = path ?? Environment.GetEnvironmentVariable(SocketVariable) ?? DefaultSocket;
        var handler = new SocketsHttpHandler { ConnectCallback = (_, ct) => Connectors.UnixSocketAsync(socket, ct) };
        return new HospesConnection(
            handler,
            new Uri("http://hospesd/"),
            socket,
            Timeout.InfiniteTimeSpan,
            $"; start it (./quickstart.sh does) or point --socket / {SocketVariable} at its socket");
    }

    /// <summary>
    /// Another host's hospesd at https://<paramref name="address"/>/ (HOST:PORT), presenting
    /// <paramref name="clientCertificate"/> and accepting the server by <paramref name="fingerprint"/> only (SHA-256 of
    /// its DER certificate, hex; its name and issuer do not matter).
    /// </summary>
    /// <param name="presented">Told the fingerprint the server presented, so a mismatch can name it.</param>
    public static HospesConnection PinnedTls(
        string address, string fingerprint, X509Certificate2 clientCertificate, TimeSpan timeout, Action<string>? presented = null)
    {
        TimeSpan connectLimit = TimeSpan.FromSeconds(10);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectCallback = (context, ct) => Connectors.TcpAsync(context.DnsEndPoint, connectLimit, ct),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (cert is null)
                    {
                        return false;
                    }

                    string seen = Fingerprint.Of(cert);
                    presented?.Invoke(seen);
                    return string.Equals(seen, fingerprint, StringComparison.OrdinalIgnoreCase);
                },
            },
        };
        return new HospesConnection(handler, new Uri($"https://{address}/"), address, timeout, "");
    }

    /// <summary>Requests go to <paramref name="handler"/> (a stub in tests); the connection disposes it.</summary>
    public static HospesConnection Over(HttpMessageHandler handler, string target = "hospesd", TimeSpan? timeout = null) =>
        new(handler, new Uri("http://hospesd/"), target, timeout ?? Timeout.InfiniteTimeSpan, "");

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }
}
