using Hospes.Storage.Tests.Tiny.Support;
using Hospes.Storage.Tiny.Modules;

namespace Hospes.Storage.Tests.Tiny.Modules;

/// <summary>.modinfo parsing and load ordering on the real .ko files of Debian's cloud kernel.</summary>
public sealed class ModInfoReaderTests : IClassFixture<KernelPackageFixture>
{
    private readonly KernelPackageFixture _kernel;

    public ModInfoReaderTests(KernelPackageFixture kernel)
    {
        _kernel = kernel;
    }

    [Fact]
    public async Task Read_VirtioNet_GivesNameDependsAndVermagic()
    {
        var info = await ModInfoReader.ReadAsync(_kernel.FindModule("virtio_net.ko"), CancellationToken.None);

        Assert.True(info.IsOk, info.Error?.Message);
        Assert.Equal("virtio_net", info.Value.Name);
        Assert.Equal(["net_failover", "virtio", "virtio_ring"], info.Value.Depends.Order(StringComparer.Ordinal));
        Assert.StartsWith(_kernel.KernelVersion + " ", info.Value.Vermagic, StringComparison.Ordinal);
        Assert.Contains("virtio:d00000001v*", info.Value.Values("alias"));
    }

    [Fact]
    public async Task Read_DashedFileName_GivesUnderscoredModuleName()
    {
        var info = await ModInfoReader.ReadAsync(_kernel.FindModule("virtio-rng.ko"), CancellationToken.None);

        Assert.Equal("virtio_rng", info.Value.Name);
    }

    [Fact]
    public async Task Read_ModuleWithoutDependencies_HasEmptyDepends()
    {
        var info = await ModInfoReader.ReadAsync(_kernel.FindModule("virtio_ring.ko"), CancellationToken.None);

        Assert.Empty(info.Value.Depends);
    }

    [Fact]
    public async Task Read_VirtioBlk_ListsItsParameters()
    {
        var info = await ModInfoReader.ReadAsync(_kernel.FindModule("virtio_blk.ko"), CancellationToken.None);

        Assert.Contains("queue_depth:uint", info.Value.Values("parmtype"));
    }

    [Fact]
    public void Parse_NotAnElfFile_IsRefusedNamingTheFile()
    {
        var info = ModInfoReader.Parse("#!/bin/sh\n"u8, "/x/broken.ko");

        Assert.False(info.IsOk);
        Assert.Equal("cannot read the module info of /x/broken.ko: not an ELF file", info.Error.Message);
    }

    [Fact]
    public void Parse_TruncatedElf_IsRefused()
    {
        byte[] elf = File.ReadAllBytes(_kernel.FindModule("virtio.ko"))[..200];

        Assert.False(ModInfoReader.Parse(elf, "virtio.ko").IsOk);
    }

    [Fact]
    public async Task Select_TinyModules_OrdersEveryModuleAfterItsDependencies()
    {
        var selection = await ModuleSelector.SelectAsync(
            _kernel.ModuleRoot, _kernel.PackageName, _kernel.KernelVersion, TinyModules.Required, TinyModules.Optional, CancellationToken.None);

        Assert.True(selection.IsOk, selection.Error?.Message);
        List<string> order = [.. selection.Value.Modules.Select(m => m.Name)];
        foreach (SelectedModule module in selection.Value.Modules)
        {
            Assert.All(module.Info.Depends, dep => Assert.True(order.IndexOf(dep) < order.IndexOf(module.Name), $"{dep} after {module.Name}"));
        }

        Assert.Equal(order.Distinct(), order);
        Assert.Contains("failover", order);
        Assert.Equal(["virtio_ring"], selection.Value.Chains["virtio_ring"]);
        Assert.Equal(["virtio_ring", "virtio"], selection.Value.Chains["virtio"]);
        Assert.Equal(["failover", "net_failover", "virtio_ring", "virtio", "virtio_net"], selection.Value.Chains["virtio_net"]);
        Assert.Equal(["pvpanic", "pvpanic_pci"], selection.Value.Chains["pvpanic_pci"]);
        // Debian's cloud kernel is built without e1000.
        Assert.Equal(["e1000"], selection.Value.Absent);
    }

    [Fact]
    public async Task Select_RequiredModuleMissing_IsRefusedNamingIt()
    {
        var selection = await ModuleSelector.SelectAsync(
            _kernel.ModuleRoot, _kernel.PackageName, _kernel.KernelVersion, ["virtio_blk", "no_such_driver"], [], CancellationToken.None);

        Assert.False(selection.IsOk);
        Assert.Contains("has no module no_such_driver", selection.Error.Message, StringComparison.Ordinal);
    }
}
