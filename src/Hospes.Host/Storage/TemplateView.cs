using Hospes.Host.State;

namespace Hospes.Host.Storage;

/// <summary>A template as users know it: its row, its disks, and the VMs that are linked clones of it, by name.</summary>
/// <param name="CopiedFrom">A copy of another cluster member's template: whose, and when that one was made (issue 17).</param>
/// <param name="Running">A template of running state: a VM frozen at a fork point, whose forks are its clones (issue 16).</param>
internal sealed record TemplateView(TemplateRecord Template, IReadOnlyList<VolumeView> Disks, IReadOnlyList<string> Clones, bool Running = false, TemplateCopyOrigin? CopiedFrom = null);
