namespace Hospes.Core.Vms;

/// <summary>One problem of a VM spec.</summary>
/// <param name="Subject">What it is about: a setting ("memory"), a disk ("disk xvda"), a vif ("vif 0").</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record SpecProblem(string Subject, string Message)
{
    public override string ToString() => $"{Subject}: {Message}";
}
