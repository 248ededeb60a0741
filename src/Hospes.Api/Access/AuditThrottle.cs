namespace Hospes.Api.Access;

/// <summary>
/// Refusals that cost the caller nothing (a request without credentials, a unix user who is not an admin) are recorded
/// once per source and <see cref="Window"/>, so a flood of them writes one audit row a minute, not one per request.
/// Bounded like <see cref="FailedLogins"/>: at most <c>capacity</c> sources, the oldest forgotten first.
/// </summary>
internal sealed class AuditThrottle(TimeProvider time, TimeSpan? window = null, int capacity = 10_000)
{
    private readonly Dictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public TimeSpan Window { get; } = window ?? TimeSpan.FromSeconds(60);

    /// <summary>True for the first refusal of <paramref name="key"/> in a window: record it.</summary>
    public bool ShouldRecord(string key)
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (_lock)
        {
            if (_last.TryGetValue(key, out DateTimeOffset last) && last + Window > now)
            {
                return false;
            }

            if (_last.Count >= capacity && !_last.ContainsKey(key))
            {
                foreach (string ended in _last.Where(p => p.Value + Window <= now).Select(p => p.Key).ToList())
                {
                    _last.Remove(ended);
                }

                if (_last.Count >= capacity)
                {
                    _last.Remove(_last.MinBy(p => p.Value).Key);
                }
            }

            _last[key] = now;
            return true;
        }
    }
}
