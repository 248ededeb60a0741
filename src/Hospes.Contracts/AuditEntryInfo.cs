namespace Hospes.Contracts;

/// <summary>`hospes audit`: who did what to which object, from where, with what result.</summary>
public sealed record AuditEntryInfo
{
    public DateTimeOffset Time { get; init; }

    /// <summary>alice, alice!ci, or root (unix socket).</summary>
    public required string User { get; init; }

    /// <summary>unix, or the remote address.</summary>
    public string? Source { get; init; }

    /// <summary>e.g. POST /v1/vms/web/start.</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to: a VM, a path, a user.</summary>
    public string? Target { get; init; }

    public required string Result { get; init; }
}
