namespace Hospes.Host.Cluster;

/// <summary>This host's resources and VMs as the cluster sees them.</summary>
internal interface IHostResources
{
    HostResources Read();

    /// <summary>Names, uuids and projects of the VMs defined here.</summary>
    IReadOnlyList<(string Name, string Uuid, string Project)> Vms();
}
