using System.Security.Cryptography;
using System.Text;

namespace Hospes.Api.Access;

/// <summary>
/// The web UI's sessions, in hospesd's memory: a random 256-bit id in cookie <see cref="Cookie"/>, kept here only as
/// its SHA-256 (a heap dump or a log shows no usable cookie), each with its CSRF token and an end
/// <see cref="Lifetime"/> after the login. In memory rather than in the state DB: a session is a convenience of one
/// browser, a restart of hospesd only asks for the password again, and no schema change is needed. Bounded: at most
/// <see cref="Capacity"/> sessions; when full, ended ones go first, then the oldest.
/// </summary>
internal sealed class WebSessions(TimeProvider time, TimeSpan? lifetime = null, int capacity = 10_000)
{
    /// <summary>The session cookie: HttpOnly, Secure, SameSite=Strict.</summary>
    public const string Cookie = "hospes_session";

    /// <summary>The header a cookie-authenticated request that changes anything carries, with the session's CSRF token.</summary>
    public const string CsrfHeader = "X-Hospes-CSRF";

    private readonly Dictionary<string, WebSession> _byHash = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public TimeSpan Lifetime { get; } = lifetime ?? TimeSpan.FromHours(12);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byHash.Count;
            }
        }
    }

    /// <summary>A new session of <paramref name="user"/>: the cookie's value (given out once, never stored) and the session.</summary>
    public (string Id, WebSession Session) Open(string user, string? passwordStamp = null, string? token = null)
    {
        string id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string csrf = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        DateTimeOffset now = time.GetUtcNow();
        var session = new WebSession(user, csrf, now + Lifetime) { PasswordStamp = passwordStamp, Token = token };
        lock (_lock)
        {
            if (_byHash.Count >= capacity)
            {
                MakeRoom(now);
            }

            _byHash[Hash(id)] = session;
        }

        return (id, session);
    }

    /// <summary>The live session of a cookie's value; null when unknown, ended or logged out.</summary>
    public WebSession? Find(string id)
    {
        string key = Hash(id);
        lock (_lock)
        {
            if (!_byHash.TryGetValue(key, out WebSession? session))
            {
                return null;
            }

            if (session.Expires <= time.GetUtcNow())
            {
                _byHash.Remove(key);
                return null;
            }

            return session;
        }
    }

    /// <summary>Ends the session of a cookie's value (logout); false when there was none.</summary>
    public bool Close(string id)
    {
        lock (_lock)
        {
            return _byHash.Remove(Hash(id));
        }
    }

    /// <summary>Whether <paramref name="presented"/> is the session's CSRF token (in fixed time).</summary>
    public static bool CsrfMatches(WebSession session, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session.Csrf), Encoding.ASCII.GetBytes(presented));

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (string ended in _byHash.Where(p => p.Value.Expires <= now).Select(p => p.Key).ToList())
        {
            _byHash.Remove(ended);
        }

        if (_byHash.Count >= capacity)
        {
            _byHash.Remove(_byHash.MinBy(p => p.Value.Expires).Key);
        }
    }
}
