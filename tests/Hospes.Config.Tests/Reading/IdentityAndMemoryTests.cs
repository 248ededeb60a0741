using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Reading;

public sealed class IdentityAndMemoryTests
{
    private static ConfigReadResult Read(string text) => Configs.Read(text, Configs.Host(), path: "web.cfg");

    [Fact]
    public void Read_Uuid_IsParsed()
    {
        ConfigReadResult result = Read(Configs.Minimal + "uuid = '3d6b4f4e-0b1a-4f7c-9a55-2f0c6c1d2e3f'\n");

        Assert.Equal(Guid.Parse("3d6b4f4e-0b1a-4f7c-9a55-2f0c6c1d2e3f"), result.Spec!.Uuid);
    }

    [Fact]
    public void Read_BadUuid_IsAnError()
    {
        ConfigReadResult result = Read(Configs.Minimal + "uuid = 'XXXXXXXX-XXXX'\n");

        Assert.Equal(
            ["web.cfg:3:8: error: uuid: 'XXXXXXXX-XXXX' is not a UUID; write 32 hex digits like '3d6b4f4e-0b1a-4f7c-9a55-2f0c6c1d2e3f', or remove uuid to get one assigned"],
            result.Errors());
    }

    [Theory]
    [InlineData("web server", "the name contains ' '; use letters, digits, '-', '_' and '.'")]
    [InlineData("-web", "the name must start with a letter or digit")]
    [InlineData("", "the name is empty")]
    public void Read_InvalidName_IsAnErrorExplainingTheRule(string name, string reason)
    {
        ConfigReadResult result = Read($"name = '{name}'\nkernel = '/boot/vmlinuz'\n");

        Assert.Equal([$"web.cfg:1:8: error: name: '{name}' is not a valid VM name: {reason}"], result.Errors());
    }

    [Fact]
    public void Read_Memory_SetsMaxmemToo()
    {
        ConfigReadResult result = Read(Configs.Minimal + "memory = 1024\n");

        Assert.Equal((1024, 1024), (result.Spec!.MemoryMib, result.Spec.MaxMemoryMib));
    }

    [Fact]
    public void Read_Maxmem_IsKept()
    {
        ConfigReadResult result = Read(Configs.Minimal + "memory = 512\nmaxmem = 2048\n");

        Assert.Equal((512, 2048), (result.Spec!.MemoryMib, result.Spec.MaxMemoryMib));
    }

    [Theory]
    [InlineData("memory = 8", "web.cfg:3:10: error: memory: 8 MiB is too little; a guest needs at least 16 MiB, e.g. memory = 512")]
    [InlineData("memory = 'lots'", "web.cfg:3:10: error: memory: 'lots' is not a number of MiB; write e.g. memory = 512")]
    [InlineData("memory = [ 512 ]", "web.cfg:3:10: error: memory: [ 512 ] is not a number of MiB; write e.g. memory = 512")]
    [InlineData("memory = 512\nmaxmem = 256", "web.cfg:4:10: error: maxmem: 256 MiB is below memory (512 MiB); raise maxmem to at least memory or remove it")]
    [InlineData("memory = 4294967296", "web.cfg:3:10: error: memory: 4294967296 MiB is too large; memory is given in MiB, e.g. memory = 512")]
    public void Read_BadMemory_IsAnError(string lines, string error)
    {
        ConfigReadResult result = Read(Configs.Minimal + lines + "\n");

        Assert.Equal([error], result.Errors());
    }
}
