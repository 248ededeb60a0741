namespace Hospes.Contracts.Vms;

/// <summary>The accelerator a config asks for, on the wire ("auto", "kvm", "tcg").</summary>
public enum Accelerator
{
    /// <summary>KVM when the host's probe shows it runs guests near native speed, TCG otherwise.</summary>
    Auto,
    Kvm,
    Tcg,
}
