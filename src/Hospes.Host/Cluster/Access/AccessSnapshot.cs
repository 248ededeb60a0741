using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Host.State;

namespace Hospes.Host.Cluster.Access;

/// <summary>
/// The cluster's access data: one etcd key (`access`) holding every host's access tables (<see cref="AccessTables"/>:
/// password and token hashes only), with a version each write raises by one and who wrote it when.
/// </summary>
internal sealed record AccessSnapshot
{
    public long Version { get; init; }

    public string Writer { get; init; } = "";

    public DateTimeOffset WrittenAt { get; init; }

    public AccessTables Tables { get; init; } = new();

    public string ToJson() => JsonSerializer.Serialize(this, HospesJson.Options);

    /// <summary>Null when <paramref name="json"/> is not a snapshot (a value this version cannot read).</summary>
    public static AccessSnapshot? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<AccessSnapshot>(json, HospesJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// What makes up <paramref name="tables"/>, one line per thing a person would name ("user alice", "token
    /// alice!cli", "grant Admin on /projects/lab/vms/web to User alice"), the `default` project left out (every host has it). Two
    /// hosts' lines are compared at a join: what the joining host has and the cluster has not would be lost.
    /// </summary>
    public static IReadOnlyList<string> Items(AccessTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return
        [
            .. tables.Users.Select(u => $"user {u.Name}"),
            .. tables.Groups.Select(g => $"group {g.Name}"),
            .. tables.Members.Select(m => $"member {m.User} of group {m.Group}"),
            .. tables.Tokens.Select(t => $"token {t.User}!{t.Name}"),
            .. tables.Acl.Select(a => $"grant {a.Role} on {a.Path} to {a.SubjectKind} {a.Subject}"),
            .. tables.Roles.Select(r => $"role {r.Name}"),
            .. tables.Projects.Where(p => p.Name != "default").Select(p => $"project {p.Name}"),
            .. tables.Certificates.Select(c => $"certificate {c.Fingerprint} of {c.User}"),
        ];
    }

    /// <summary>The lines of <paramref name="local"/> that <paramref name="cluster"/> does not have, in order.</summary>
    public static IReadOnlyList<string> Missing(IReadOnlyList<string> local, AccessTables cluster)
    {
        ArgumentNullException.ThrowIfNull(local);
        var known = new HashSet<string>(Items(cluster), StringComparer.Ordinal);
        return [.. local.Where(i => !known.Contains(i)).Distinct(StringComparer.Ordinal)];
    }
}
