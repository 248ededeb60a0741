using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Hospes.Client.Tests.Support;

/// <summary>
/// A real listener on loopback (TCP, optionally TLS) or on a unix socket, serving HTTP/1.1 by hand: each request's
/// head goes to <c>answer</c>, which returns the JSON to send, or null to hang up without a word.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly X509Certificate2? _certificate;
    private readonly Func<string, Task<string?>> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private LoopbackServer(Socket listener, X509Certificate2? certificate, Func<string, Task<string?>> answer)
    {
        _listener = listener;
        _certificate = certificate;
        _answer = answer;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>HOST:PORT of a TCP listener.</summary>
    public string Address => ((IPEndPoint)_listener.LocalEndPoint!).ToString();

    /// <summary>The fingerprint of the client certificate the last TLS client presented.</summary>
    public string? ClientFingerprint { get; private set; }

    public static LoopbackServer Tls(X509Certificate2 certificate, Func<string, Task<string?>> answer)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return new LoopbackServer(listener, certificate, answer);
    }

    public static LoopbackServer Unix(string path, Func<string, Task<string?>> answer)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        return new LoopbackServer(listener, null, answer);
    }

    /// <summary>HOST:PORT where nothing listens: a connection there is refused.</summary>
    public static string RefusingAddress()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).ToString();
    }

    public static Task<string?> Silent(string request) => Task.Delay(Timeout.Infinite).ContinueWith(_ => (string?)null, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                Stream stream = new NetworkStream(client, ownsSocket: false);
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        ClientCertificateRequired = true,
                        // Any client certificate: the tests look at which one came (ClientFingerprint).
                        RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null,
                    }, _stop.Token);
                    ClientFingerprint = tls.RemoteCertificate is { } c ? TestCertificate.FingerprintOf(c) : null;
                    stream = tls;
                }

                await using (stream)
                {
                    string head = await ReadHeadAsync(stream);
                    string? json = await _answer(head).WaitAsync(_stop.Token);
                    if (json is not null)
                    {
                        byte[] body = Encoding.UTF8.GetBytes(json);
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(
                            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
                        await stream.WriteAsync(body, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or SocketException)
            {
            }
        }
    }

    private async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, _stop.Token) == 1)
        {
            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
