using System.Text;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hospes.Api.Access;

/// <summary>
/// What an HTTPS request presents to log in: `Authorization: Bearer hospes_...`, `Authorization: Basic` (user:password),
/// or a TLS client certificate mapped to a user. The header wins over a certificate; a trusted peer's certificate is a
/// host's, not a user's, and counts as nothing presented. Passwords are hashed off the request thread, a few at a time.
/// </summary>
internal sealed class HttpLogin(Logins logins, PeersApi peers) : IDisposable
{
    // PBKDF2 of 600,000 rounds is ~0.3 s of one core: no more of them at once than there are cores.
    private readonly SemaphoreSlim _hashing = new(Math.Max(1, Environment.ProcessorCount));

    /// <summary>Who claims to log in ("alice", "bearer token", "certificate 1a2b…"), or null when nothing is presented.</summary>
    public static string? Claim(HttpContext http, bool hasCertificate)
    {
        string? header = http.Request.Headers.Authorization;
        if (!string.IsNullOrEmpty(header))
        {
            return header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? Basic(header)?.User ?? "malformed Basic credentials"
                : header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? "bearer token"
                : "unknown scheme";
        }

        return hasCertificate ? "client certificate" : null;
    }

    /// <summary>Null when nothing is presented; else the caller or why not.</summary>
    public async Task<Result<Caller>?> LogInAsync(HttpContext http, string source)
    {
        string? header = http.Request.Headers.Authorization;
        if (!string.IsNullOrEmpty(header))
        {
            if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return logins.Token(header["Bearer ".Length..].Trim(), source);
            }

            if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                if (Basic(header) is not { } basic)
                {
                    return HospesError.Unauthenticated("the Basic credentials are malformed: send base64 of USER:PASSWORD (RFC 7617)");
                }

                (string user, string password) = basic;

                await _hashing.WaitAsync(http.RequestAborted).ConfigureAwait(false);
                try
                {
                    return await Task.Run(() => logins.Password(user, password, source), http.RequestAborted).ConfigureAwait(false);
                }
                finally
                {
                    _hashing.Release();
                }
            }

            string scheme = header.Split(' ', 2)[0];
            return HospesError.Unauthenticated($"the Authorization scheme \"{scheme}\" is not one Hospes takes; send Bearer hospes_... (a token) or Basic (user and password)");
        }

        if (await http.Connection.GetClientCertificateAsync(http.RequestAborted).ConfigureAwait(false) is { } certificate && peers.TrustedPeer(certificate) is null)
        {
            return logins.Certificate(certificate, source);
        }

        return null;
    }

    /// <summary>A user's password (the web UI's login), hashed off the request thread as Basic's is.</summary>
    public async Task<Result<Caller>> PasswordAsync(string user, string password, string source, CancellationToken ct)
    {
        await _hashing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => logins.Password(user, password, source), ct).ConfigureAwait(false);
        }
        finally
        {
            _hashing.Release();
        }
    }

    public void Dispose() => _hashing.Dispose();

    /// <summary>The 401's challenge and how to meet it.</summary>
    public static void Challenge(HttpContext http) => http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"hospes\"";

    public const string HowToLogIn = "authentication required: send a token (Authorization: Bearer hospes_..., made with hospes token create USER), "
        + "a user's password (Authorization: Basic), or a TLS client certificate mapped with hospes cert add USER FILE.pem; "
        + "with the CLI: hospes remote add NAME https://HOST:PORT --token TOKEN";

    private static (string User, string Password)? Basic(string header)
    {
        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? (decoded[..colon], decoded[(colon + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
