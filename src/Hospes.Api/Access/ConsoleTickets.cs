using System.Security.Cryptography;
using System.Text;
using Hospes.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Access;

/// <summary>
/// One-time console tickets (issue 15, Proxmox's vncproxy ticket): `POST /v1/vms/NAME/console/ticket` gives one, bound
/// to its caller and VM, valid 30 s; a console or display WebSocket opened with the session cookie must carry it as
/// `?ticket=`, and it opens one socket only. Callers with a token, a certificate or the unix socket need none (their
/// credential is not sent by a browser on its own). Kept in memory by SHA-256, at most 10,000.
/// </summary>
internal sealed class ConsoleTickets(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int Capacity = 10_000;
    private readonly Dictionary<string, (string Caller, string Vm, DateTimeOffset Expires)> _byHash = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A new ticket for <paramref name="caller"/> (a Caller's Display: alice or alice!ci) on <paramref name="vm"/>.</summary>
    public (string Ticket, DateTimeOffset Expires) Issue(string caller, string vm)
    {
        string ticket = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset expires = now + Lifetime;
        lock (_lock)
        {
            if (_byHash.Count >= Capacity)
            {
                foreach (string key in _byHash.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
                {
                    _byHash.Remove(key);
                }

                if (_byHash.Count >= Capacity)
                {
                    _byHash.Remove(_byHash.MinBy(e => e.Value.Expires).Key);
                }
            }

            _byHash[Hash(ticket)] = (caller, vm, expires);
        }

        return (ticket, expires);
    }

    /// <summary>
    /// Null when the request may open <paramref name="vm"/>'s console: it did not log in with the session cookie, or its
    /// ?ticket= is one issued to the same caller for this VM, unused and not expired (it is used up now). Else why not.
    /// </summary>
    public HospesError? Refusal(HttpContext http, string caller, string vm)
    {
        if (SessionCookie.SessionOf(http) is null)
        {
            return null;
        }

        string how = $"POST /v1/vms/{vm}/console/ticket, then open the WebSocket with ?ticket=TICKET within {Lifetime.TotalSeconds:0} s";
        if (http.Request.Query["ticket"].ToString() is not { Length: > 0 } ticket)
        {
            return HospesError.Forbidden($"a console WebSocket opened with the session cookie needs a one-time ticket: {how}");
        }

        (string Caller, string Vm, DateTimeOffset Expires) found;
        lock (_lock)
        {
            if (!_byHash.Remove(Hash(ticket), out found))
            {
                return HospesError.Forbidden($"console ticket unknown or used already (a ticket opens one console): {how}");
            }
        }

        if (found.Expires <= time.GetUtcNow())
        {
            return HospesError.Forbidden($"console ticket expired ({Lifetime.TotalSeconds:0} s after it was made): {how}");
        }

        if (!string.Equals(found.Caller, caller, StringComparison.Ordinal) || !string.Equals(found.Vm, vm, StringComparison.Ordinal))
        {
            return HospesError.Forbidden($"console ticket was made for {found.Caller} on VM {found.Vm}, not {caller} on {vm}: {how}");
        }

        return null;
    }

    private static string Hash(string ticket) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));
}
