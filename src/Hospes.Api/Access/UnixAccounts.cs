using System.Globalization;

namespace Hospes.Api.Access;

/// <summary>
/// Who a uid is and whether it is an admin here: root, or a member of group hospes-admin (its primary group, or listed
/// in it). Read from /etc/passwd and /etc/group (users only in LDAP/NSS are named "uid N" and are not admins unless root).
/// </summary>
internal sealed class UnixAccounts(string passwd = "/etc/passwd", string group = "/etc/group")
{
    public const string AdminGroup = "hospes-admin";

    // Every request on the socket asks; the files are read again after a few seconds, so a change of the group counts soon.
    private const long CacheMilliseconds = 5_000;
    private readonly Dictionary<(int, int), (string Name, bool IsAdmin, long Until)> _cache = [];
    private readonly Lock _lock = new();

    public (string Name, bool IsAdmin) Resolve(UnixPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        long now = Environment.TickCount64;
        lock (_lock)
        {
            if (_cache.TryGetValue((peer.Uid, peer.Gid), out var known) && known.Until > now)
            {
                return (known.Name, known.IsAdmin);
            }
        }

        (string name, bool admin) = Read(peer);
        lock (_lock)
        {
            if (_cache.Count >= 1024)
            {
                _cache.Clear();
            }

            _cache[(peer.Uid, peer.Gid)] = (name, admin, now + CacheMilliseconds);
        }

        return (name, admin);
    }

    private (string Name, bool IsAdmin) Read(UnixPeer peer)
    {
        string name = NameOf(peer.Uid) ?? string.Create(CultureInfo.InvariantCulture, $"uid {peer.Uid}");
        return peer.Uid == 0 ? (name, true) : (name, IsAdmin(name, peer));
    }

    /// <summary>The gid of group hospes-admin, or null when the host has no such group.</summary>
    public int? AdminGid() => Fields(group).FirstOrDefault(f => f.Length >= 3 && f[0] == AdminGroup) is { } g && int.TryParse(g[2], CultureInfo.InvariantCulture, out int gid) ? gid : null;

    private bool IsAdmin(string name, UnixPeer peer)
    {
        string[]? admins = Fields(group).FirstOrDefault(f => f.Length >= 3 && f[0] == AdminGroup);
        if (admins is null || !int.TryParse(admins[2], CultureInfo.InvariantCulture, out int gid))
        {
            return false;
        }

        int? primary = Fields(passwd).FirstOrDefault(f => f.Length >= 4 && f[2] == peer.Uid.ToString(CultureInfo.InvariantCulture)) is { } user
            && int.TryParse(user[3], CultureInfo.InvariantCulture, out int g) ? g : null;
        return peer.Uid >= 0 && (peer.Gid == gid || primary == gid || (admins.Length >= 4 && admins[3].Split(',').Contains(name, StringComparer.Ordinal)));
    }

    private string? NameOf(int uid) =>
        uid < 0 ? null : Fields(passwd).FirstOrDefault(f => f.Length >= 3 && f[2] == uid.ToString(CultureInfo.InvariantCulture))?[0];

    private static IEnumerable<string[]> Fields(string file)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (string line in lines)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line.Split(':');
            }
        }
    }
}
