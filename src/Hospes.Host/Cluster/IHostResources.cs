using Hospes.Host.Machine;

namespace Hospes.Host.Cluster;

/// <summary>This host's resources and VMs as the cluster sees them.</summary>
internal interface IHostResources
{
    HostResources Read();

    /// <summary>Names, uuids and projects of the VMs defined here.</summary>
    IReadOnlyList<(string Name, string Uuid, string Project)> Vms();

    /// <summary>The VMs that count against their projects' memory and vCPU limits here (running or being started).</summary>
    LocalUse Use() => LocalUse.None;
}
