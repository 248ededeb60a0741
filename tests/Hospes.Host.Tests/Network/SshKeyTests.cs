using System.Diagnostics;
using Hospes.Host.Cluster;
using Hospes.Host.Network;

namespace Hospes.Host.Tests.Network;

/// <summary>The guest SSH key in a cluster: a joining host takes the cluster's and keeps its own as a second identity.</summary>
public sealed class SshKeyTests
{
    [Fact]
    public async Task Adopt_MakesTheClustersKeyThisHosts_KeepsTheOldOneAsASecondIdentity_AndTheSameKeyAgainChangesNothing()
    {
        using var state = new TempDir();
        var key = new SshKey(state.Path);
        Assert.Null(await key.EnsureAsync(CancellationToken.None));
        string ownPrivate = File.ReadAllText(key.PrivatePath);
        string ownPublic = key.PublicLine!;
        (string clusterPrivate, string clusterPublic) = await NewPairAsync(state, "cluster");

        Assert.True(key.Adopt(clusterPrivate, clusterPublic));

        Assert.Equal(clusterPrivate, File.ReadAllText(key.PrivatePath));
        Assert.Equal(clusterPublic, key.PublicLine);
        Assert.Equal(ownPrivate, File.ReadAllText(key.PrivatePath + ".host"));
        Assert.Equal(ownPublic, File.ReadAllText(key.PrivatePath + ".host.pub").Trim());
        Assert.Equal([key.PrivatePath, key.PrivatePath + ".host"], key.IdentityPaths);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.PrivatePath));
        // ssh takes the written file as a key, and it is the cluster's.
        Assert.Equal(clusterPublic.Split(' ')[1], (await ToolAsync("ssh-keygen", "-y", "-f", key.PrivatePath)).Split(' ')[1]);

        // Joining again with the same key (a comment of its own does not count) changes nothing.
        Assert.False(key.Adopt(clusterPrivate, clusterPublic.Split(' ')[0] + " " + clusterPublic.Split(' ')[1] + " other-comment"));
        Assert.Equal([key.PrivatePath, key.PrivatePath + ".host"], key.IdentityPaths);

        // A second cluster later (left the first): the first's key is kept too, its guests trust it.
        (string secondPrivate, string secondPublic) = await NewPairAsync(state, "second");
        Assert.True(key.Adopt(secondPrivate, secondPublic));
        Assert.Equal([key.PrivatePath, key.PrivatePath + ".host", key.PrivatePath + ".host-2"], key.IdentityPaths);
        Assert.Equal(clusterPrivate, File.ReadAllText(key.PrivatePath + ".host-2"));
        Assert.Equal(ownPrivate, File.ReadAllText(key.PrivatePath + ".host"));
        Assert.False(File.Exists(key.PrivatePath + ".new"));
    }

    [Fact]
    public void AJoinAnswer_ShowsNoKeyInItsText()
    {
        var answer = new ClusterJoinAnswer("course", "CERT", "CA-PRIVATE", "a=https://x", ["https://x"], false)
        {
            SshKey = "SSH-PRIVATE",
            SshPublicKey = "ssh-ed25519 AAAA hospes",
            EtcdKey = "ETCD-PRIVATE",
        };

        string text = answer.ToString();

        Assert.Contains("course", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", text, StringComparison.Ordinal);
    }

    private static async Task<(string Private, string Public)> NewPairAsync(TempDir dir, string name)
    {
        string path = Path.Combine(dir.Path, name);
        await ToolAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hospes", "-f", path);
        return (File.ReadAllText(path), File.ReadAllText(path + ".pub").Trim());
    }

    private static async Task<string> ToolAsync(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{tool} exited with {p.ExitCode}");
        return output;
    }
}
