using System.Net;
using System.Net.Sockets;

namespace Hospes.Api.Access;

/// <summary>
/// Failed logins per source: more than <see cref="Limit"/> within <see cref="Window"/> from one source, and every
/// login from it is refused (429) until the window that began with its first failure ends, before any password is
/// hashed or row read. A source is an IPv4 address or an IPv6 /64 (one host gets a whole /64). Memory is bounded: at
/// most <see cref="Capacity"/> sources; when full, ended windows go first, then the oldest.
/// </summary>
internal sealed class FailedLogins(TimeProvider time, int limit = 10, TimeSpan? window = null, int capacity = 10_000)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Limit => limit;

    public TimeSpan Window { get; } = window ?? TimeSpan.FromSeconds(60);

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The limiter's key of a remote address: the address, or the /64 of an IPv6 one.</summary>
    public static string SourceOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>
    /// Null when <paramref name="source"/> may try to log in; else when it may again (and how long that is), and whether this is the first
    /// refusal of the burst (the one the audit log records).
    /// </summary>
    public (DateTimeOffset Until, TimeSpan Wait, bool First)? Refused(string source)
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(source, out Entry? e) || e.Start + Window <= now || e.Count < limit)
            {
                return null;
            }

            bool first = !e.Reported;
            e.Reported = true;
            return (e.Start + Window, e.Start + Window - now, first);
        }
    }

    /// <summary>Counts a failed login of <paramref name="source"/>; a success counts nothing and resets nothing.</summary>
    public void Fail(string source)
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(source, out Entry? e) && e.Start + Window > now)
            {
                e.Count++;
                return;
            }

            if (e is null && _entries.Count >= capacity)
            {
                MakeRoom(now);
            }

            _entries[source] = new Entry { Start = now, Count = 1 };
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var ended in _entries.Where(p => p.Value.Start + Window <= now).Select(p => p.Key).ToList())
        {
            _entries.Remove(ended);
        }

        if (_entries.Count >= capacity)
        {
            _entries.Remove(_entries.MinBy(p => p.Value.Start).Key);
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset Start { get; init; }

        public int Count { get; set; }

        public bool Reported { get; set; }
    }
}
