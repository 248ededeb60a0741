namespace Hospes.Contracts;

/// <summary>`hospes fork VM NAME --count N`: N running copies of a running VM that share its memory copy-on-write.</summary>
public sealed record ForkRequest
{
    /// <summary>The fork's name, or a pattern with {i} for 1..Count.</summary>
    public required string Name { get; init; }

    public int Count { get; init; } = 1;

    /// <summary>The VM stays frozen at the fork point as a template of its running state (`hospes fork --freeze`) instead of running on.</summary>
    public bool Freeze { get; init; }

    /// <summary>`hospes template create VM --running --name NAME`: one fork named Name is made frozen at the fork point (a running template), not started; the VM runs on.</summary>
    public bool Template { get; init; }

    /// <summary>
    /// `clone --instant --host H`: the host the forks must run on. Forks share the VM's memory, so they run where it is:
    /// another host is refused, naming the host that has it.
    /// </summary>
    public string? Host { get; init; }
}
