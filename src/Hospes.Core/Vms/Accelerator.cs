namespace Hospes.Core.Vms;

public enum Accelerator
{
    /// <summary>KVM when the host's probe shows it runs guests near native speed, TCG otherwise.</summary>
    Auto,
    Kvm,
    Tcg,
}
