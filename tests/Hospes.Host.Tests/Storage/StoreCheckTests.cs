using Hospes.Host.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Storage;

/// <summary>`hospes disk check`: what it finds wrong with a volume, and what it leaves alone.</summary>
public sealed class StoreCheckTests
{
    [Fact]
    public async Task AMissingFile_IsAProblem()
    {
        await using var store = new StoreFloor();
        VolumeView disk = await store.DiskAsync("data");
        File.Delete(disk.Volume.Path);

        StoreCheckResult check = (await store.Check.CheckAsync("data", CancellationToken.None)).Value;

        Assert.False(check.Ok);
        Assert.Equal([$"{disk.Volume.Path} is missing"], Assert.Single(check.Volumes).Problems);
    }

    [Fact]
    public async Task ACorruptImage_IsAProblem()
    {
        await using var store = new StoreFloor();
        VolumeView disk = await store.DiskAsync("data");
        store.Img.Change(disk.Volume.Path, i => i with { Corrupt = true });

        StoreCheckResult check = (await store.Check.CheckAsync(null, CancellationToken.None)).Value;

        Assert.Equal(["qemu-img check: 1 corruption"], Assert.Single(check.Volumes).Problems);
    }

    [Fact]
    public async Task AReadOnlyBaseThatChanged_IsAProblem()
    {
        await using var store = new StoreFloor();
        VolumeView image = await store.ImageAsync("base");
        File.SetUnixFileMode(image.Volume.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.AppendAllTextAsync(image.Volume.Path, "a stray write");

        StoreCheckResult check = (await store.Check.CheckAsync("base", CancellationToken.None)).Value;

        Assert.StartsWith("the read-only base changed since it was made", Assert.Single(Assert.Single(check.Volumes).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVolumeARunningVmHolds_IsNotChecked_ButNoted()
    {
        await using var store = new StoreFloor();
        await store.DiskAsync("data");
        VmActor web = await store.VmOnAsync("web", "data");
        Assert.True((await web.RunAsync(store.Floor.Commands.Start())).IsOk);

        StoreCheckResult check = (await store.Check.CheckAsync("data", CancellationToken.None)).Value;

        VolumeCheckResult data = Assert.Single(check.Volumes);
        Assert.True(data.Ok);
        Assert.Equal("in use by running VM web: qemu-img check skipped; check it while the VM is stopped", data.Note);
        Assert.DoesNotContain(store.Img.Calls, c => c.StartsWith("check", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFileNoRowNames_MakesTheWholeCheckFail()
    {
        await using var store = new StoreFloor();
        string orphan = store.Img.Add(store.Layout.DiskPath("lost", "qcow2"));

        StoreCheckResult check = (await store.Check.CheckAsync(null, CancellationToken.None)).Value;

        Assert.False(check.Ok);
        Assert.Equal([$"{orphan}: a file in the store that no volume row names"], check.Repairs);
    }
}
