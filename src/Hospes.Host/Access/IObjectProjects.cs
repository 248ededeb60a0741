namespace Hospes.Host.Access;

/// <summary>
/// Which project an object is in: names are unique on a host across projects (as Proxmox's VM ids are), so a route
/// that names an object is authorized on the object's own project, whatever project the request names.
/// </summary>
internal interface IObjectProjects
{
    /// <summary>The project of the object, or null when there is none of that name.</summary>
    /// <param name="collection">vms, disks, templates or networks (the ACL path's segment).</param>
    /// <param name="name">The object's name.</param>
    string? ProjectOf(string collection, string name);
}
