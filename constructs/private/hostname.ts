/** A lowercase DNS name with at least two labels and a top-level domain of letters, e.g. `mcp.example.com`. */
export const HOSTNAME_PATTERN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
