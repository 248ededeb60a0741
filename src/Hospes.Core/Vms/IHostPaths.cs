namespace Hospes.Core.Vms;

/// <summary>What a path is on this host, seen through every symbolic link. Real on a host, faked in tests.</summary>
public interface IHostPaths
{
    HostPathInfo Inspect(string path);
}

/// <param name="RealPath">The path with every symbolic link and '..' resolved (as written when nothing is there).</param>
public readonly record struct HostPathInfo(string RealPath, HostPathKind Kind);

public enum HostPathKind
{
    Missing,
    File,
    Directory,
    BlockDevice,
    CharacterDevice,
    Other,
}
