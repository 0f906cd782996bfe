using MudBlazor;

namespace Console.Web.Components.Layout;

public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b5cad",
            Secondary = "#00897b",
            AppbarBackground = "#0b3d6e",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#5ea8ff",
            Secondary = "#4db6ac",
        },
    };
}
