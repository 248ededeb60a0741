namespace Hospes.Contracts;

public sealed record CreateVmRequest
{
    public required ConfigRequest Source { get; init; }

    /// <summary>Start the VM after defining it (`hospes create`); false only defines it.</summary>
    public bool Start { get; init; } = true;
}
