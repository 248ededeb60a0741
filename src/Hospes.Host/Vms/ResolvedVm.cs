using Hospes.Core.Vms;

namespace Hospes.Host.Vms;

/// <summary>A spec with its image references replaced by paths, and the kernel parameters the host adds.</summary>
/// <param name="TinySsh">The guest is the tiny one with an SSH server: it takes the host key hospesd made for it by fw_cfg.</param>
internal sealed record ResolvedVm(VmSpec Spec, string HostCmdline, bool TinySsh = false);
