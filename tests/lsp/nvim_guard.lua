-- Driven by tests/lsp/test_lsp_neovim.py: `nvim --headless --clean -c "luafile THIS" -c "edit
-- FILE" -c "lua GuardTest()"`. Loads the shipped lsp/neovim/guard.lua as a user does (found on
-- package.path, then require("guard")); the file is opened by a command of its own, as a user
-- does, so that an error in guard.lua's autocommand is reported (a `:edit` run from Lua here
-- would swallow it). GuardTest() waits for the diagnostics, asks for a hover and the code actions
-- at the first one, opens :GuardRedactedView, and writes all of it as JSON along with the
-- editor's messages and the path of its LSP log.
local out = os.getenv("GUARD_NVIM_OUT")
vim.g.guard_cmd = vim.fn.json_decode(os.getenv("GUARD_NVIM_CMD"))
vim.g.guard_debounce_ms = 50
package.path = os.getenv("GUARD_NVIM_CONFIG_DIR") .. "/?.lua;" .. package.path
vim.lsp.set_log_level(os.getenv("GUARD_NVIM_LOG_LEVEL") or "info")

local function write(result)
  result.messages = vim.fn.execute("messages")
  result.errmsg = vim.v.errmsg
  result.log = vim.lsp.get_log_path()
  result.version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
end

local function answers(responses)
  local list = {}
  for _, response in pairs(responses or {}) do
    table.insert(list, { error = response.err or response.error, result = response.result })
  end
  return list
end

local result = { loaded = package.searchpath("guard", package.path) }
require("guard")

function GuardTest() -- a global: the next -c calls it
  local ok, err = pcall(function()
    local buf = vim.api.nvim_get_current_buf()
    result.arrived = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
    result.diagnostics = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = (d.user_data or {}).lsp or {}
      table.insert(result.diagnostics, {
        lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
        message = d.message, severity = d.severity, source = d.source,
        code = d.code or lsp.code,
      })
    end
    table.sort(result.diagnostics, function(a, b) return a.lnum < b.lnum end)
    local first = result.diagnostics[1]
    if first then
      vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col + 1 })
      result.hover = answers(vim.lsp.buf_request_sync(buf, "textDocument/hover",
        vim.lsp.util.make_position_params(0, "utf-16"), 10000))
      local params = vim.lsp.util.make_range_params(0, "utf-16")
      params.context = { diagnostics = {} }
      result.actions = answers(vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params,
        10000))
    end
    vim.cmd("GuardRedactedView")
    if vim.wait(10000, function() return vim.api.nvim_get_current_buf() ~= buf end, 50) then
      result.view = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    end
    local clients = vim.lsp.get_clients or vim.lsp.get_active_clients
    for _, client in pairs(clients()) do
      if vim.fn.has("nvim-0.11") == 1 then client:stop() else client.stop() end
    end
    vim.wait(5000, function() return #clients() == 0 end, 50)
  end)
  if not ok then
    result.error = tostring(err)
  end
  write(result)
  vim.cmd("qa!")
end
