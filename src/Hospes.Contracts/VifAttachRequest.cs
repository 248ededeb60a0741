namespace Hospes.Contracts;

/// <summary>`hospes network-attach NAME VIFSPEC`: a vif in xl's syntax ('bridge=lab0,mac=52:54:00:12:34:56,ip=10.0.0.9,model=e1000').</summary>
public sealed record VifAttachRequest
{
    public required string Spec { get; init; }
}
