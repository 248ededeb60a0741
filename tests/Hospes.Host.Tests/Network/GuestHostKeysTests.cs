using Hospes.Host.Network;
using Hospes.Host.Settings;

namespace Hospes.Host.Tests.Network;

/// <summary>The host key hospesd makes for a guest (real ssh-keygen), kept in the VM's folder for `hospes ssh` to check.</summary>
public sealed class GuestHostKeysTests : IDisposable
{
    private readonly TempDir _state = new();

    [Fact]
    public async Task Ensure_MakesTheKeyOnce_OwnerOnly_WithItsDropbearForm_AndKeepsIt()
    {
        var keys = new GuestHostKeys(new VmLayout(new HostOptions { StateDir = _state.Path }));
        var vm = Guid.NewGuid();

        Assert.Null(keys.Find(vm));
        GuestHostKey made = (await keys.EnsureAsync(vm, CancellationToken.None)).Value!;
        GuestHostKey again = (await keys.EnsureAsync(vm, CancellationToken.None)).Value!;

        Assert.StartsWith("ssh-ed25519 ", made.PublicLine, StringComparison.Ordinal);
        Assert.Equal(made, again);
        Assert.Equal(made, keys.Find(vm));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys.PrivatePath(vm)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(made.DropbearPath));
        Assert.Equal([GuestHostKeys.FileName, GuestHostKeys.FileName + ".dropbear"], Directory.GetFiles(Path.GetDirectoryName(made.DropbearPath)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Import_KeepsAKeyFromAnotherHost_AndRefusesWhatIsNoKey_KeepingTheOldOne()
    {
        var source = new GuestHostKeys(new VmLayout(new HostOptions { StateDir = _state.Combine("a") }));
        var target = new GuestHostKeys(new VmLayout(new HostOptions { StateDir = _state.Combine("b") }));
        var vm = Guid.NewGuid();
        GuestHostKey made = (await source.EnsureAsync(vm, CancellationToken.None)).Value!;

        GuestHostKey imported = target.Import(vm, made.PrivateText).Value!;
        Core.Errors.Result<GuestHostKey> refused = target.Import(vm, "not a key");

        Assert.Equal(made.PublicLine, imported.PublicLine);
        Assert.Equal(File.ReadAllBytes(made.DropbearPath), File.ReadAllBytes(imported.DropbearPath));
        Assert.False(refused.IsOk);
        Assert.Contains("not an OpenSSH private key", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(made.PublicLine, target.Find(vm)!.PublicLine);
    }

    public void Dispose() => _state.Dispose();
}
