using Hospes.Core.Vms;

namespace Hospes.Host.Vms;

/// <summary>A spec with its image references replaced by paths, and the kernel parameters the host adds.</summary>
internal sealed record ResolvedVm(VmSpec Spec, string HostCmdline);
