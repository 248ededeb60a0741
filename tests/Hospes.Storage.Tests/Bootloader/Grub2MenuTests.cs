using Hospes.Storage.Bootloader;

namespace Hospes.Storage.Tests.Bootloader;

public sealed class Grub2MenuTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Parse_MenuentriesAndSubmenus_NumbersThemAsGrubDoes()
    {
        BootMenu menu = Grub2Menu.Parse("grub.cfg", """
            menuentry "A" { linux /a x=1; initrd /a.img; }
            submenu 'Sub' {
              menuentry 'B' {
                linux16 /b
              }
              menuentry 'C' --id c-id {
                linuxefi /c quiet
                initrd /ucode.img /c.img
              }
            }
            menuentry 'Firmware' { fwsetup }
            """, NoEnvironment);

        Assert.Equal(["0", "1>0", "1>1", "2"], menu.Entries.Select(e => e.Id));
        Assert.Equal(["A", "B", "C", "Firmware"], menu.Entries.Select(e => e.Title));
        Assert.Equal("/a", menu.Entries[0].Kernel);
        Assert.Equal("x=1", menu.Entries[0].Args);
        Assert.Equal(["/a.img"], menu.Entries[0].Initrds);
        Assert.Equal(["/ucode.img", "/c.img"], menu.Entries[2].Initrds);
        Assert.Equal("c-id", menu.Entries[2].Path[^1].MenuId);
        Assert.Null(menu.Entries[3].Kernel);
    }

    [Theory]
    [InlineData("set default=2", "Firmware")]
    [InlineData("set default=\"1>1\"", "C")]
    [InlineData("set default='Sub>B'", "B")]
    [InlineData("set default=c-id", "A")]
    [InlineData("set default=no-such", "A")]
    [InlineData("default=1>0", "B")]
    public void Select_Default_FollowsGrubReferences(string setDefault, string title)
    {
        BootMenu menu = Grub2Menu.Parse("grub.cfg", $$"""
            {{setDefault}}
            menuentry 'A' { linux /a }
            submenu 'Sub' { menuentry 'B' { linux /b }
            menuentry 'C' --id c-id { linux /c } }
            menuentry 'Firmware' { fwsetup }
            """, NoEnvironment);

        Assert.Equal(title, menu.Select(null)?.Title);
    }

    [Fact]
    public void Parse_ExpandsVariablesAndQuotes()
    {
        BootMenu menu = Grub2Menu.Parse("grub.cfg", """
            set kver=6.1
            set opts="ro quiet"
            menuentry 'K' {
              linux /vmlinuz-${kver} root=/dev/vda1 $opts 'a b' \
                 console=ttyS0 # trailing comment
            }
            """, NoEnvironment);

        Assert.Equal("/vmlinuz-6.1", menu.Entries[0].Kernel);
        Assert.Equal("root=/dev/vda1 ro quiet \"a b\" console=ttyS0", menu.Entries[0].Args);
    }

    [Fact]
    public void Parse_SavedEntryFromGrubenv_IsTheDefault()
    {
        BootMenu menu = Grub2Menu.Parse("grub.cfg", """
            set default="${saved_entry}"
            menuentry 'A' { linux /a }
            menuentry 'B' { linux /b }
            """, new Dictionary<string, string> { ["saved_entry"] = "B" });

        Assert.Equal("B", menu.Select(null)?.Title);
    }

    [Fact]
    public void Parse_FunctionBodies_AreNotMenus()
    {
        BootMenu menu = Grub2Menu.Parse("grub.cfg", """
            function f {
              set default=5
              menuentry 'inside' { linux /x }
            }
            menuentry 'A' { linux /a }
            """, NoEnvironment);

        Assert.Equal(["A"], menu.Entries.Select(e => e.Title));
        Assert.Equal("0", menu.Default);
    }
    // #4: a guest's grub.cfg is the guest's to write; what it may make the reader allocate is bounded.
    [Fact]
    public void Parse_VariablesDoublingEveryLine_RefusedBeforeTheTextIsMade()
    {
        string cfg = "a=xxxxxxxxxxxxxxxx\n" + string.Concat(Enumerable.Repeat("a=$a$a\n", 30)) + "menuentry 'A' { linux /a $a }\n";

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Grub2Menu.Parse("grub.cfg", cfg, NoEnvironment));

        Assert.Contains("sets a to more than 4096 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExpansionOfBoundedValuesAddingUp_IsRefused()
    {
        string cfg = "a=" + new string('x', 4000) + "\n" + string.Concat(Enumerable.Repeat("echo $a$a$a$a$a$a$a$a\n", 200));

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Grub2Menu.Parse("grub.cfg", cfg, NoEnvironment));

        Assert.Contains("expand to more than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SubmenusNestedTooDeep_IsRefused()
    {
        string cfg = string.Concat(Enumerable.Repeat("submenu 'S' {\n", 5000)) + "menuentry 'A' { linux /a }\n";

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => Grub2Menu.Parse("grub.cfg", cfg, NoEnvironment));

        Assert.Contains("nests blocks more than 32 deep", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GeneratedMenuNesting_IsWithinTheBounds()
    {
        BootMenu menu = Grub2Menu.Parse("grub.cfg", "submenu 'S' {\n if [ x ]; then\n menuentry 'A' { linux /a ro }\n fi\n}\n", NoEnvironment);

        Assert.Single(menu.Entries);
    }
}
