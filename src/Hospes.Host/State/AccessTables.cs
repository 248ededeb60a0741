namespace Hospes.Host.State;

/// <summary>
/// The access tables as they are stored (times as the DB's text), to copy between hosts of a cluster: users (password
/// hashes only), groups and their members, API tokens (the secret's SHA-256 only), ACL entries, custom roles, projects
/// with their limits and client certificates mapped to users. Never the audit log, which stays each host's own.
/// </summary>
internal sealed record AccessTables
{
    public IReadOnlyList<UserRow> Users { get; init; } = [];

    public IReadOnlyList<GroupRow> Groups { get; init; } = [];

    public IReadOnlyList<MemberRow> Members { get; init; } = [];

    public IReadOnlyList<TokenRow> Tokens { get; init; } = [];

    public IReadOnlyList<AclRow> Acl { get; init; } = [];

    public IReadOnlyList<RoleRow> Roles { get; init; } = [];

    public IReadOnlyList<ProjectRow> Projects { get; init; } = [];

    public IReadOnlyList<CertificateRow> Certificates { get; init; } = [];
}

internal sealed record UserRow(string Name, string? PasswordHash, string? ExpiresAt, bool Enabled, string CreatedAt);

internal sealed record GroupRow(string Name, string CreatedAt);

internal sealed record MemberRow(string Group, string User);

internal sealed record TokenRow(string Id, string User, string Name, string SecretSha256, string? ExpiresAt, bool PrivilegeSeparated, string CreatedAt);

internal sealed record AclRow(string Path, string SubjectKind, string Subject, string Role, bool Propagate);

internal sealed record RoleRow(string Name, string Privileges);

internal sealed record ProjectRow(string Name, int? LimitVms, long? LimitMemoryMib, int? LimitVcpus, string CreatedAt);

internal sealed record CertificateRow(string Fingerprint, string User, string Name, string CreatedAt);
