using Hospes.Storage.Tiny.Apt;
using Hospes.Storage.Tiny.Initramfs;
using Hospes.Storage.Tiny.Modules;

namespace Hospes.Storage.Tiny;

/// <summary>The package versions a build uses, and the hash of everything it is made from.</summary>
/// <param name="Ssh">The SSH server's package and every package it depends on, in name order.</param>
/// <param name="Agent">The guest agent's package and every package it needs at run time, in name order.</param>
internal sealed record TinyInputs(DebPackage Kernel, DebPackage Busybox, IReadOnlyList<DebPackage> Ssh, IReadOnlyList<DebPackage> Agent)
{
    /// <summary>The kernel release, from the package name: linux-image-6.1.0-56-cloud-amd64 → 6.1.0-56-cloud-amd64.</summary>
    public string KernelVersion => Kernel.Name[TinyImageBuilder.KernelPackagePrefix.Length..];

    public string Hash => InputsHash.Compute(
        Kernel.Name, Kernel.Version, Busybox.Version, Ssh.Concat(Agent).DistinctBy(p => p.Name), TinyModules.Required.Concat(TinyModules.Optional), GuestFiles.All);
}
