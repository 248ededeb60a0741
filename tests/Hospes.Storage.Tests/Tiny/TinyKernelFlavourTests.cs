using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny;
using Xunit.Abstractions;

namespace Hospes.Storage.Tests.Tiny;

/// <summary>The tiny image on Debian's generic kernel: the cloud kernel has no e1000 driver, this one loads it.</summary>
[Collection(TinyImageGroup.Name)]
public sealed class TinyKernelFlavourTests : IClassFixture<GenericKernelImageFixture>, IDisposable
{
    private readonly GenericKernelImageFixture _generic;
    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();

    public TinyKernelFlavourTests(GenericKernelImageFixture generic, ITestOutputHelper output)
    {
        _generic = generic;
        _output = output;
    }

    [Fact]
    public void Build_GenericFlavour_UsesTheGenericKernelWithE1000()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+-\d+-amd64$", _generic.Image.KernelVersion);
        Assert.Equal(TinyImageOptions.GenericKernel, _generic.Image.KernelFlavour);
        Assert.Equal("tiny-generic", _generic.Image.Name);
        Assert.Contains(_generic.Progress, p => p.StartsWith("modules: ", StringComparison.Ordinal) && p.Contains(" e1000", StringComparison.Ordinal)
            && !p.Contains("not in this kernel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Boot_GenericKernelOnQ35WithE1000_GetsLeaseAndServesSsh()
    {
        SshKey key = await SshKey.CreateAsync(_dir.Path, "key");
        var argument = TinyGuest.SshKeyArgument(key.PublicKeyLine);
        int port = SshClient.FreeLoopbackPort();
        await using QemuGuest guest = QemuGuest.Start(
            _generic.Built, TinyMachine.Q35, _dir.Path, cmdline: $"{TinyGuest.NameParameter}=e1k {argument.Value}", nic: true, sshHostPort: port, nicDevice: "e1000");

        TimeSpan ready = await guest.WaitForAsync(TinyGuest.ReadyMarker, TimeSpan.FromSeconds(60));
        var ssh = new SshClient(port, key);
        TimeSpan reachable = await ssh.WaitUntilReachableAsync(TimeSpan.FromSeconds(60));
        _output.WriteLine($"generic kernel, q35 + e1000: ready after {ready.TotalSeconds:F2} s, ssh works {reachable.TotalSeconds:F2} s later");
        SshResult result = await ssh.RunAsync("hostname; lsmod; ip -4 -o addr show eth0");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("e1k\n", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\ne1000 ", result.Stdout);
        Assert.Contains("inet 10.0.2.15/24", result.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
