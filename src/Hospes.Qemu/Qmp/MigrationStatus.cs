namespace Hospes.Qemu.Qmp;

/// <summary>The part of query-migrate that save/restore and migration read.</summary>
public sealed record MigrationStatus(string Status, string? Error, long TransferredBytes)
{
    public bool IsCompleted => Status == "completed";

    public bool IsFailed => Status is "failed" or "cancelled";
}
