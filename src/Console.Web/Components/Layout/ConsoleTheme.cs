using MudBlazor;

namespace Console.Web.Components.Layout;

public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        // Every colour that text or a chip's label takes is at least 4.5:1 against white and against its own light tint
        // (WCAG AA; the axe tests check every page): MudBlazor's default success, warning, info and error are not.
        PaletteLight = new PaletteLight
        {
            Primary = "#0b5cad",
            Secondary = "#00695c",
            Tertiary = "#5e35b1",
            Info = "#1565c0",
            Success = "#1b7a2e",
            Warning = "#a65300",
            Error = "#c62828",
            TextSecondary = "rgba(0,0,0,0.65)",
            AppbarBackground = "#0b3d6e",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#5ea8ff",
            Secondary = "#4db6ac",
        },
    };
}
