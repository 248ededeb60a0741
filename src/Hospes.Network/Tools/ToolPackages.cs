namespace Hospes.Network;

/// <summary>The Debian package that provides each tool, for "not installed" messages.</summary>
internal static class ToolPackages
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["ip"] = "iproute2",
        ["ss"] = "iproute2",
        ["nft"] = "nftables",
        ["dnsmasq"] = "dnsmasq-base",
        ["sysctl"] = "procps",
        ["socat"] = "socat",
        ["busybox"] = "busybox-static",
    };

    public static string MissingMessage(string tool) =>
        Packages.TryGetValue(tool, out string? package)
            ? $"{tool} is not installed: install the Debian package {package} (apt-get install {package})"
            : $"{tool} is not installed (not found on PATH or in /usr/sbin, /sbin)";
}
