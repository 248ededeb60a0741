using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

public class SaveFileTests
{
    [Fact]
    public void Header_RoundTrips_AndTheStreamStartsAt4KiB()
    {
        using var dir = new TempDir();
        string path = dir.File("web.save");
        var header = new SaveHeader { Spec = new VmSpec { Name = "web", Uuid = Guid.NewGuid(), MemoryMib = 192 }, WasRunning = true, QemuVersion = "10.0.2" };
        SaveFile.WriteHeader(path, header);
        using (var f = new FileStream(path, FileMode.Append))
        {
            f.Write(new byte[100]); // stands in for QEMU's stream
        }

        var read = SaveFile.ReadHeader(path);

        Assert.True(read.IsOk, read.Error?.Message);
        Assert.Equal(header.Spec.Uuid, read.Value.Spec.Uuid);
        Assert.True(read.Value.WasRunning);
        Assert.Equal(SaveFile.StreamOffset + 100, new FileInfo(path).Length);
    }

    [Fact]
    public void WriteHeader_MakesAFileForRootAlone_WhateverTheUmask()
    {
        // #5: a save file holds the guest's whole RAM (its keys, its passwords).
        using var dir = new TempDir();
        string path = dir.File("web.save");
        using (Hospes.Core.Processes.Umask.Restrict(0))
        {
            SaveFile.WriteHeader(path, new SaveHeader { Spec = new VmSpec { Name = "web", Uuid = Guid.NewGuid(), MemoryMib = 192 } });
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void AHeaderOver4KiB_GrowsIn4KiBSteps_AndTheStreamStartsWhereItSays()
    {
        using var dir = new TempDir();
        string path = dir.File("big.save");
        var spec = new VmSpec { Name = "big", Uuid = Guid.NewGuid(), MemoryMib = 192, KernelCmdline = new string('x', 10_000) };

        int offset = SaveFile.WriteHeader(path, new SaveHeader { Spec = spec, WasRunning = true });
        using (var f = new FileStream(path, FileMode.Append))
        {
            f.Write(new byte[100]);
        }

        Result<SaveHeader> read = SaveFile.ReadHeader(path);

        Assert.Equal(3 * 4096, offset);
        Assert.True(read.IsOk, read.Error?.Message);
        Assert.Equal(spec.KernelCmdline, read.Value.Spec.KernelCmdline);
        Assert.Equal(offset, read.Value.StreamOffset);
        Assert.Equal(offset + 100, new FileInfo(path).Length);
    }

    [Fact]
    public void WriteHeader_NeverOverwritesAFile()
    {
        using var dir = new TempDir();
        string path = dir.File("web.save");
        File.WriteAllText(path, "precious");
        Assert.Throws<IOException>(() => SaveFile.WriteHeader(path, new SaveHeader { Spec = new VmSpec { Name = "web" } }));
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Theory]
    [InlineData(100, "is not a Hospes save file (too short)")]
    [InlineData(8192, "is not a Hospes save file (it does not start with 'HOSPES-SAVE 1')")]
    public void ReadHeader_OfSomethingElse_SaysSo(int size, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("junk");
        File.WriteAllBytes(path, new byte[size]);
        Assert.Contains(expected, SaveFile.ReadHeader(path).Error!.Message, StringComparison.Ordinal);
    }
}
