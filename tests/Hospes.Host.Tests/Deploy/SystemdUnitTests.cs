using Hospes.Testing;

namespace Hospes.Host.Tests.Deploy;

/// <summary>hospesd supervised (issue 13, D2): the unit setup.sh installs where systemd runs.</summary>
public sealed class SystemdUnitTests
{
    private static readonly string Unit = Path.Combine(Repo.Root, "deploy", "hospesd.service");

    [Fact]
    public void TheUnit_RestartsAHospesdThatDies_AndNeverEndsItsGuests()
    {
        string[] lines = [.. File.ReadAllLines(Unit).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains("KillMode=process", lines);
        Assert.Contains("WantedBy=multi-user.target", lines);
        string exec = Assert.Single(lines, l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.StartsWith("ExecStart=@HOSPESD@ --state-dir /var/lib/hospes --socket /run/hospes/hospes.sock", exec, StringComparison.Ordinal);
    }

    [Fact]
    public void SetupSh_InstallsTheUnit_OnlyWhereSystemdIsPid1()
    {
        string setup = File.ReadAllText(Path.Combine(Repo.Root, "setup.sh"));

        Assert.Contains("\"$(cat /proc/1/comm 2>/dev/null)\" = systemd", setup, StringComparison.Ordinal);
        Assert.Contains("deploy/hospesd.service", setup, StringComparison.Ordinal);
        Assert.Contains("systemctl enable -q hospesd.service", setup, StringComparison.Ordinal);
    }
}
