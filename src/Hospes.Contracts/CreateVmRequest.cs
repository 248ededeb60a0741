namespace Hospes.Contracts;

public sealed record CreateVmRequest
{
    public required ConfigRequest Source { get; init; }

    /// <summary>Start the VM after defining it (`hospes create`); false only defines it.</summary>
    public bool Start { get; init; } = true;

    /// <summary>With <see cref="Start"/>: leave the guest paused before its first instruction (`hospes create -p`, as xl).</summary>
    public bool Paused { get; init; }

    /// <summary>In a cluster: the host to define it on (`--host`); null lets the scheduler choose.</summary>
    public string? Host { get; init; }
}
