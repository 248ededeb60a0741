using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>A template as users know it: its row, its disks, and the VMs that are linked clones of it, by name.</summary>
internal sealed record TemplateView(TemplateRecord Template, IReadOnlyList<VolumeView> Disks, IReadOnlyList<string> Clones);
