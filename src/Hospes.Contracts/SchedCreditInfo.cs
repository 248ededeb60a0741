namespace Hospes.Contracts;

/// <summary>A VM's credit-scheduler parameters, as `xl sched-credit` shows them.</summary>
public sealed record SchedCreditInfo
{
    public required string Name { get; init; }

    /// <summary>The domain id while QEMU runs.</summary>
    public int? Id { get; init; }

    /// <summary>Relative CPU weight, 1 to 65535 (256: Xen's default).</summary>
    public int Weight { get; init; }

    /// <summary>At most this % of one host CPU (100 = one CPU); 0 = no cap.</summary>
    public int Cap { get; init; }
}

/// <summary>`hospes sched-credit -d VM -w WEIGHT -c CAP`: what is given changes, what is null stays.</summary>
public sealed record SchedCreditRequest
{
    public int? Weight { get; init; }
    public int? Cap { get; init; }
}
