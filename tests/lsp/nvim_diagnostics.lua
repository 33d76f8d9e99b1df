-- Driven by tests/test_lsp_neovim.py: open a file in headless Neovim, start `guard lsp` for it,
-- wait for diagnostics and write them as JSON. Works on Neovim 0.7 (Debian bookworm) and later.
local file = os.getenv("GUARD_NVIM_FILE")
local out = os.getenv("GUARD_NVIM_OUT")
local cmd = vim.fn.json_decode(os.getenv("GUARD_NVIM_CMD"))

local function write(result)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = "guard", cmd = cmd, root_dir = vim.fn.fnamemodify(file, ":h") }
  local client_id
  if vim.lsp.start then -- 0.8+
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client_id)
  end
  local arrived = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(diagnostics, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      message = d.message, severity = d.severity, source = d.source,
      code = d.code or lsp.code,
    })
  end
  write({ arrived = arrived, diagnostics = diagnostics })
  vim.lsp.stop_client(client_id)
end)
if not ok then
  write({ error = tostring(err) })
end
vim.cmd("qa!")
