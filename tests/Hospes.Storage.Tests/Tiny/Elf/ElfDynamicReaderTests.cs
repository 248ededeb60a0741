using Hospes.Storage.Tiny.Elf;

namespace Hospes.Storage.Tests.Tiny.Elf;

/// <summary>On the host's own binaries (the host is Debian 12, like the guest's libraries).</summary>
public sealed class ElfDynamicReaderTests : IDisposable
{
    private const string HostLibc = "/lib/x86_64-linux-gnu/libc.so.6";
    private const string HostLoader = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Read_DynamicProgram_GivesInterpreterAndNeeded()
    {
        var dash = await ElfDynamicReader.ReadAsync("/bin/sh", CancellationToken.None);

        Assert.True(dash.IsOk, dash.Error?.Message);
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", dash.Value.Interpreter);
        Assert.Equal(["libc.so.6"], dash.Value.Needed);
    }

    [Fact]
    public async Task Read_SharedLibrary_GivesSonameAndNeeded()
    {
        var libc = await ElfDynamicReader.ReadAsync(HostLibc, CancellationToken.None);

        Assert.Equal("libc.so.6", libc.Value.Soname);
        Assert.Equal(["ld-linux-x86-64.so.2"], libc.Value.Needed);
    }

    [Fact]
    public async Task Read_StaticProgram_NeedsNothing()
    {
        var busybox = await ElfDynamicReader.ReadAsync("/bin/busybox", CancellationToken.None);

        Assert.True(busybox.IsOk, busybox.Error?.Message);
        Assert.Null(busybox.Value.Interpreter);
        Assert.Empty(busybox.Value.Needed);
    }

    [Fact]
    public void Parse_NotElfOrTruncated_IsRefusedNamingTheFile()
    {
        Assert.Equal("cannot read the dynamic linking info of /x/script: not an ELF file", ElfDynamicReader.Parse("#!/bin/sh\n"u8, "/x/script").Error?.Message);
        Assert.False(ElfDynamicReader.Parse(File.ReadAllBytes("/bin/sh").AsSpan(0, 100), "sh").IsOk);
    }

    [Fact]
    public async Task Resolve_ProgramInUnpackedTree_GivesProgramLoaderAndLibrariesOnce()
    {
        string root = TreeWithShell();

        var files = await SharedLibraryResolver.ResolveAsync(root, "usr/sbin/prog", "test packages", CancellationToken.None);

        Assert.True(files.IsOk, files.Error?.Message);
        Assert.Equal(
            [("usr/sbin/prog", 0b111_101_101), ("lib64/ld-linux-x86-64.so.2", 0b111_101_101), ("lib/x86_64-linux-gnu/libc.so.6", 0b110_100_100)],
            files.Value.Select(f => (f.GuestPath, f.Mode)));
        // The loader's absolute symlink is followed inside the tree, not on the host.
        Assert.Equal(Path.Combine(root, "lib", "x86_64-linux-gnu", "ld-linux-x86-64.so.2"), files.Value[1].SourcePath);
        Assert.Equal(Path.Combine(root, "usr", "lib", "x86_64-linux-gnu", "libc.so.6.real"), files.Value[2].SourcePath);
    }

    [Fact]
    public async Task Resolve_LibraryMissingFromTree_IsRefusedNamingItAndWhoNeedsIt()
    {
        string root = TreeWithShell();
        File.Delete(Path.Combine(root, "usr", "lib", "x86_64-linux-gnu", "libc.so.6.real"));

        var files = await SharedLibraryResolver.ResolveAsync(root, "usr/sbin/prog", "test packages", CancellationToken.None);

        Assert.False(files.IsOk);
        Assert.StartsWith("usr/sbin/prog needs libc.so.6 (through usr/sbin/prog), which none of test packages ships", files.Error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>dash as usr/sbin/prog, libc behind a relative symlink, the loader behind Debian's absolute one.</summary>
    private string TreeWithShell()
    {
        string root = _dir.Combine("root");
        string lib = Path.Combine(root, "lib", "x86_64-linux-gnu");
        string usrLib = Path.Combine(root, "usr", "lib", "x86_64-linux-gnu");
        foreach (string dir in (string[])[lib, usrLib, Path.Combine(root, "lib64"), Path.Combine(root, "usr", "sbin")])
        {
            Directory.CreateDirectory(dir);
        }

        File.Copy("/bin/sh", Path.Combine(root, "usr", "sbin", "prog"));
        File.Copy(HostLoader, Path.Combine(lib, "ld-linux-x86-64.so.2"));
        File.Copy(HostLibc, Path.Combine(usrLib, "libc.so.6.real"));
        File.CreateSymbolicLink(Path.Combine(usrLib, "libc.so.6"), "libc.so.6.real");
        File.CreateSymbolicLink(Path.Combine(root, "lib64", "ld-linux-x86-64.so.2"), "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        return root;
    }
}
