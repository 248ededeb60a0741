using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>A spec whose disks are ready: the files made for it, and the rows to insert with the VM's row.</summary>
internal sealed record Provisioned(VmSpec Spec, IReadOnlyList<VolumeRecord> NewVolumes, IReadOnlyList<VolumeRecord> Attached);
