using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Client.Transport;
using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>A remote hospesd over HTTPS: its certificate pinned by fingerprint, the caller known by a Bearer token or a client certificate.</summary>
public sealed partial class HospesConnection
{
    /// <summary>The <see cref="HospesApiException.Code"/> of a server whose certificate is not the pinned one; not a code hospesd sends.</summary>
    public const string CertificateChanged = "certificate_changed";

    private static readonly TimeSpan RemoteConnectLimit = TimeSpan.FromSeconds(10);

    private string? _bearer;
    private RemotePin? _pin;

    /// <summary>
    /// hospesd at <paramref name="url"/> (https://HOST:PORT), accepted by <paramref name="fingerprint"/> only (SHA-256 of
    /// its DER certificate, hex, colons allowed; its name and issuer do not matter, as ssh's known_hosts), with
    /// <c>Authorization: Bearer <paramref name="token"/></c> on every request and WebSocket, and/or
    /// <paramref name="clientCertificate"/> presented in the handshake.
    /// </summary>
    /// <param name="name">The remote's name in `hospes remote`, for the hints of errors.</param>
    public static HospesConnection Remote(Uri url, string? token, string fingerprint, X509Certificate2? clientCertificate = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"a remote hospesd is reached over https, not {url.Scheme}: {url}", nameof(url));
        }

        var pin = new RemotePin(NormalizeFingerprint(fingerprint), name, url);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectCallback = (context, ct) => Connectors.TcpAsync(context.DnsEndPoint, RemoteConnectLimit, ct),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                RemoteCertificateValidationCallback = (_, cert, _, _) => pin.Accepts(cert),
            },
        };
        string target = $"{url.Host}:{url.Port}";
        var connection = new HospesConnection(handler, new Uri($"https://{target}/"), target, Timeout.InfiniteTimeSpan, "")
        {
            _bearer = string.IsNullOrEmpty(token) ? null : token,
            _pin = pin,
        };
        if (connection._bearer is { } bearer)
        {
            connection._http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return connection;
    }

    /// <summary>
    /// The fingerprint of the certificate the server at <paramref name="url"/> presents, whatever it is: what
    /// `hospes remote add` shows before it pins it. Nothing is sent but the TLS handshake.
    /// </summary>
    public static async Task<string> ServerFingerprintAsync(Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        string target = $"{url.Host}:{url.Port}";
        string? seen = null;
        try
        {
            await using Stream tcp = await Connectors.TcpAsync(new DnsEndPoint(url.Host, url.Port), RemoteConnectLimit, ct).ConfigureAwait(false);
            await using var tls = new SslStream(tcp);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(RemoteConnectLimit);
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = url.Host,
                    RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    {
                        seen = cert is null ? null : Fingerprint.Of(cert);
                        return cert is not null;
                    },
                },
                limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectFailedException or IOException or SocketException or System.Security.Authentication.AuthenticationException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new HospesApiException(HospesApiException.Unreachable, $"cannot reach hospesd at {target} over TLS: {e.Message}", inner: e)
            {
                Delivery = Delivery.NotDelivered,
                TimedOut = e is OperationCanceledException || (e as ConnectFailedException)?.TimedOut == true,
            };
        }

        return seen ?? throw new HospesApiException(HospesApiException.Unreachable, $"hospesd at {target} presented no certificate") { Delivery = Delivery.NotDelivered };
    }

    /// <summary>A PEM certificate and its PEM private key, as a client certificate for <see cref="Remote"/>.</summary>
    public static X509Certificate2 LoadClientCertificate(string certificatePem, string keyPem)
    {
        try
        {
            using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certificatePem, keyPem);

            // A key loaded from PEM is ephemeral, which SslStream on Linux cannot present: re-imported as PKCS#12.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HospesApiException(
                ErrorCodes.InvalidArgument,
                $"cannot load the client certificate {certificatePem} with its key {keyPem}: {e.Message}; give a PEM certificate and its PEM private key (unencrypted)",
                inner: e)
            {
                Delivery = Delivery.NotDelivered,
            };
        }
    }

    /// <summary>Lowercase hex without separators; "SHA256:" and colons (as openssl prints them) are allowed.</summary>
    public static string NormalizeFingerprint(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        string hex = fingerprint.Trim();
        if (hex.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase) || hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[7..];
        }

        return hex.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
    }

    /// <summary>The server showed another certificate than the pinned one: said as loudly as ssh does.</summary>
    private HospesApiException? CertificateMismatch(Exception e) =>
        _pin?.Mismatch is { } seen && Find<System.Security.Authentication.AuthenticationException>(e) is not null
            ? new HospesApiException(CertificateChanged, _pin.Message(seen), inner: e) { Delivery = Delivery.NotDelivered }
            : null;

    /// <summary>A 401 over a remote connection: what was refused, and how to get a token.</summary>
    private string Unauthenticated(string? serverMessage)
    {
        string what = _bearer is not null ? "the token was refused" : "no token was sent";
        string remote = _pin?.Name ?? "NAME";
        string url = _pin?.Url.ToString().TrimEnd('/') ?? "https://HOST:PORT";
        return $"{serverMessage ?? $"hospesd at {Target} answered 401"} ({what}); get a token on the server with `hospes token create USER`, "
            + $"then store it here with `hospes remote remove {remote} && hospes remote add {remote} {url} --token-stdin`";
    }

    /// <summary>The pinned fingerprint, and the one a server last showed when it was not that one.</summary>
    private sealed class RemotePin(string fingerprint, string? name, Uri url)
    {
        private volatile string? _mismatch;

        public string? Name { get; } = name;

        public Uri Url { get; } = url;

        public string? Mismatch => _mismatch;

        public bool Accepts(X509Certificate? cert)
        {
            if (cert is null)
            {
                return false;
            }

            string seen = Fingerprint.Of(cert);
            if (string.Equals(seen, fingerprint, StringComparison.Ordinal))
            {
                return true;
            }

            _mismatch = seen;
            return false;
        }

        public string Message(string seen)
        {
            string remote = Name ?? "NAME";
            string where = $"{Url.Host}:{Url.Port}";
            return "REMOTE HOST IDENTIFICATION HAS CHANGED: "
                + $"hospesd at {where} presented a certificate with SHA-256 fingerprint {seen}, "
                + $"but remote {remote} is pinned to {fingerprint}. Someone may be intercepting the connection, or the server's certificate was replaced. "
                + $"Nothing was sent. If the change is expected (check the fingerprint on the server: hospesd logs it at start), re-pin: "
                + $"hospes remote remove {remote} && hospes remote add {remote} {Url.ToString().TrimEnd('/')} --fingerprint {seen} --token-stdin";
        }
    }
}
